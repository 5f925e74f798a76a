// The app's route table: GitLab's URLs (docs/api-contract.md, Conventions). Full paths contain slashes, so they are matched with (.+)
// up to the "/-/". It holds data only (no imports but types), because the build reads it too: vite.config.ts writes
// routes.json from it, with vue-router's own regular expression for each route, and the server serves the app for
// exactly those addresses (and a 404 page for the others). Each route names an example address; the build fails
// when a route lacks one or when the example is not matched by its own route, and a test opens every example.

export interface AppRoute {
  path: string
  name?: string
  /** The page component, src/pages/<page>.vue, loaded on demand. */
  page?: string
  /** For redirect routes: where to, with :params of the route substituted. */
  redirect?: string
  title?: string
  /** Only for signed-in users: others go to the sign-in page. */
  auth?: boolean
  /** Shown without the top bar and the sidebar. */
  bare?: boolean
  /** A namespace's own address: the server serves the app only when a project or group the reader may see has that path. */
  namespace?: boolean
  /** An address this route matches, for the build's check and the tests. */
  example: string
}

// A namespace's path: one or more segments (a repeatable param) of GitLab's path characters, never "-" (which starts
// GitLab's "/-/" part of an address).
const segments = '([A-Za-z0-9_][A-Za-z0-9_.\\-]*)+'

export const routes: AppRoute[] = [
  { path: '/', name: 'home', page: 'HomePage', title: 'Explore', example: '/' },
  { path: '/explore', redirect: '/', example: '/explore' },
  { path: '/users/sign_in', name: 'sign-in', page: 'SignInPage', title: 'Sign in', bare: true, example: '/users/sign_in' },
  {
    path: '/-/user_settings/personal_access_tokens', name: 'personal-access-tokens', page: 'PersonalAccessTokensPage',
    title: 'Personal access tokens', auth: true, example: '/-/user_settings/personal_access_tokens',
  },
  { path: '/-/user_settings/password/edit', name: 'password', page: 'PasswordPage', title: 'Password', auth: true, example: '/-/user_settings/password/edit' },
  { path: '/admin', name: 'admin', page: 'AdminPage', title: 'Admin area', auth: true, example: '/admin' },
  { path: '/admin/:section(users|groups|projects|members)', name: 'admin-section', page: 'AdminPage', title: 'Admin area', auth: true, example: '/admin/users' },
  { path: '/groups/:group(.+)/-/packages', name: 'group-packages', page: 'GroupPackagesPage', title: 'Packages', example: '/groups/acme/sub/-/packages' },
  {
    path: '/groups/:group(.+)/-/settings/packages_and_registries', name: 'group-settings', page: 'GroupSettingsPage',
    title: 'Packages and registries settings', example: '/groups/acme/-/settings/packages_and_registries',
  },
  {
    path: '/groups/:group(.+)/-/settings/access_tokens', name: 'group-access-tokens', page: 'AccessTokensPage',
    title: 'Group access tokens', auth: true, example: '/groups/acme/-/settings/access_tokens',
  },
  { path: '/groups/:group(.+)/-/hooks', name: 'group-hooks', page: 'WebhooksPage', title: 'Webhooks', auth: true, example: '/groups/acme/-/hooks' },
  { path: '/groups/:group(.+)/-/usage_quotas', name: 'group-usage-quotas', page: 'UsageQuotasPage', title: 'Usage quotas', auth: true, example: '/groups/acme/-/usage_quotas' },
  { path: '/groups/:group(.+)/-/audit_events', name: 'group-audit-events', page: 'AuditEventsPage', title: 'Audit events', auth: true, example: '/groups/acme/-/audit_events' },
  { path: '/groups/:group(.+)/-/group_members', name: 'group-members', page: 'MembersPage', title: 'Members', example: '/groups/acme/-/group_members' },
  { path: `/groups/:group${segments}`, redirect: '/groups/:group/-/packages', example: '/groups/acme/sub' },
  { path: '/:project(.+)/-/packages/:id(\\d+)', name: 'package', page: 'PackageDetailsPage', title: 'Package', example: '/acme/tools/-/packages/1' },
  { path: '/:project(.+)/-/packages', name: 'project-packages', page: 'ProjectPackagesPage', title: 'Packages', example: '/acme/sub/tools/-/packages' },
  {
    path: '/:project(.+)/-/settings/repository', name: 'project-deploy-tokens', page: 'ProjectDeployTokensPage',
    title: 'Deploy tokens', auth: true, example: '/acme/tools/-/settings/repository',
  },
  {
    path: '/:project(.+)/-/settings/packages_and_registries', name: 'project-package-settings', page: 'ProjectPackageSettingsPage',
    title: 'Packages and registries settings', auth: true, example: '/acme/tools/-/settings/packages_and_registries',
  },
  {
    path: '/:project(.+)/-/settings/access_tokens', name: 'project-access-tokens', page: 'AccessTokensPage',
    title: 'Project access tokens', auth: true, example: '/acme/tools/-/settings/access_tokens',
  },
  { path: '/:project(.+)/-/hooks', name: 'project-hooks', page: 'WebhooksPage', title: 'Webhooks', auth: true, example: '/acme/tools/-/hooks' },
  { path: '/:project(.+)/-/usage_quotas', name: 'project-usage-quotas', page: 'UsageQuotasPage', title: 'Usage quotas', auth: true, example: '/acme/tools/-/usage_quotas' },
  { path: '/:project(.+)/-/audit_events', name: 'project-audit-events', page: 'AuditEventsPage', title: 'Audit events', auth: true, example: '/acme/tools/-/audit_events' },
  { path: '/:project(.+)/-/project_members', name: 'project-members', page: 'MembersPage', title: 'Members', example: '/acme/tools/-/project_members' },
  // GitLab's habit: /<group> and /<group>/<project> open the group or project. Which one it is, only the server knows.
  { path: `/:namespace${segments}`, name: 'namespace', page: 'NamespacePage', title: 'Packages', namespace: true, example: '/acme/tools' },
]
