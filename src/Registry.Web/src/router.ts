import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { session } from './session'

// GitLab's URLs (CONTRACT section 7). Full paths contain slashes, so they are matched with (.+) up to the "/-/".
// Pages other than sign-in and the home page are loaded on demand, keeping the first page small.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { title: 'Explore' } },
    { path: '/explore', redirect: '/' },
    { path: '/users/sign_in', name: 'sign-in', component: () => import('./pages/SignInPage.vue'), meta: { title: 'Sign in', bare: true } },
    {
      path: '/-/user_settings/personal_access_tokens', name: 'personal-access-tokens',
      component: () => import('./pages/PersonalAccessTokensPage.vue'), meta: { title: 'Personal access tokens', auth: true },
    },
    { path: '/-/user_settings/password/edit', name: 'password', component: () => import('./pages/PasswordPage.vue'), meta: { title: 'Password', auth: true } },
    { path: '/admin', name: 'admin', component: () => import('./pages/AdminPage.vue'), meta: { title: 'Admin area', auth: true } },
    { path: '/admin/:section(users|groups|projects|members)', name: 'admin-section', component: () => import('./pages/AdminPage.vue'), meta: { title: 'Admin area', auth: true } },
    { path: '/groups/:group(.+)/-/packages', name: 'group-packages', component: () => import('./pages/GroupPackagesPage.vue'), meta: { title: 'Packages' } },
    {
      path: '/groups/:group(.+)/-/settings/packages_and_registries', name: 'group-settings',
      component: () => import('./pages/GroupSettingsPage.vue'), meta: { title: 'Packages and registries settings' },
    },
    {
      path: '/groups/:group(.+)/-/settings/access_tokens', name: 'group-access-tokens',
      component: () => import('./pages/AccessTokensPage.vue'), meta: { title: 'Group access tokens', auth: true },
    },
    { path: '/groups/:group(.+)/-/hooks', name: 'group-hooks', component: () => import('./pages/WebhooksPage.vue'), meta: { title: 'Webhooks', auth: true } },
    { path: '/groups/:group(.+)/-/group_members', name: 'group-members', component: () => import('./pages/MembersPage.vue'), meta: { title: 'Members' } },
    { path: '/groups/:group(.+)', redirect: (to) => `/groups/${to.params.group}/-/packages` },
    { path: '/:project(.+)/-/packages/:id(\\d+)', name: 'package', component: () => import('./pages/PackageDetailsPage.vue'), meta: { title: 'Package' } },
    { path: '/:project(.+)/-/packages', name: 'project-packages', component: () => import('./pages/ProjectPackagesPage.vue'), meta: { title: 'Packages' } },
    {
      path: '/:project(.+)/-/settings/repository', name: 'project-deploy-tokens',
      component: () => import('./pages/ProjectDeployTokensPage.vue'), meta: { title: 'Deploy tokens', auth: true },
    },
    {
      path: '/:project(.+)/-/settings/packages_and_registries', name: 'project-package-settings',
      component: () => import('./pages/ProjectPackageSettingsPage.vue'), meta: { title: 'Packages and registries settings', auth: true },
    },
    {
      path: '/:project(.+)/-/settings/access_tokens', name: 'project-access-tokens',
      component: () => import('./pages/AccessTokensPage.vue'), meta: { title: 'Project access tokens', auth: true },
    },
    { path: '/:project(.+)/-/hooks', name: 'project-hooks', component: () => import('./pages/WebhooksPage.vue'), meta: { title: 'Webhooks', auth: true } },
    { path: '/:project(.+)/-/project_members', name: 'project-members', component: () => import('./pages/MembersPage.vue'), meta: { title: 'Members' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue'), meta: { title: 'Not found' } },
  ],
})

router.beforeEach((to: RouteLocationNormalized) => {
  if (to.meta.auth && session.loaded && !session.user) return { name: 'sign-in', query: { redirect: to.fullPath } }
})

router.afterEach((to) => {
  const where = (to.params.project ?? to.params.group ?? '') as string
  document.title = [to.meta.title as string, where, 'Package Registry'].filter(Boolean).join(' · ')
})
