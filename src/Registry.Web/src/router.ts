import { createRouter, createWebHistory, type RouteComponent, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { routes } from './routes'
import { loadCurrentUser, session } from './session'

// GitLab's URLs (docs/api-contract.md, Conventions) are listed in routes.ts. Pages other than the first one are loaded
// on demand, keeping the first page small.
const pages = import.meta.glob<RouteComponent>('./pages/*.vue')

function page(name: string): () => Promise<RouteComponent> {
  const load = pages[`./pages/${name}.vue`]
  if (!load) throw new Error(`routes.ts names a page src/pages/${name}.vue that does not exist`)
  return load
}

const records: RouteRecordRaw[] = routes.map((r) => r.redirect !== undefined
  ? { path: r.path, redirect: (to) => r.redirect!.replace(/:(\w+)/g, (_, p: string) => [to.params[p]].flat().join('/')) }
  : { path: r.path, name: r.name, component: page(r.page!), meta: { title: r.title, auth: r.auth, bare: r.bare } })

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...records,
    // What no route matches: the server answers 404 with this page (see routes.ts).
    { path: '/:pathMatch(.*)*', name: 'not-found', component: page('NotFoundPage'), meta: { title: 'Not found' } },
  ],
})

router.beforeEach(async (to: RouteLocationNormalized) => {
  await loadCurrentUser()
  if (to.meta.auth && !session.user) return { name: 'sign-in', query: { redirect: to.fullPath } }
  // Already signed in, the sign-in page has nothing to offer: go where it would have led.
  if (to.name === 'sign-in' && session.user) {
    const redirect = to.query.redirect
    return typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/'
  }
})

router.afterEach((to) => {
  const where = [to.params.project ?? to.params.group ?? to.params.namespace ?? ''].flat().join('/')
  document.title = [to.meta.title as string, where, 'Package Registry'].filter(Boolean).join(' · ')
})
