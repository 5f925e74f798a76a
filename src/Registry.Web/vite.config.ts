import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { createRouterMatcher } from 'vue-router'
import { routes } from './src/routes'

// routes.json for the server (Web/WebUiRoutes.cs): each route of the app with the regular expression vue-router itself
// matches it with, so the server serves the app for exactly the app's addresses. Every route must name an example
// address that its own route matches, or the build fails.
function routeManifest(): Plugin {
  return {
    name: 'registry-route-manifest',
    generateBundle() {
      const blank = () => null
      const matcher = createRouterMatcher(routes.map((r, i) => ({ path: r.path, name: `route-${i}`, component: blank })), {})
      const manifest = routes.map((r, i) => {
        const record = matcher.getRecordMatcher(`route-${i}`)!
        if (!r.example) throw new Error(`src/routes.ts: the route ${r.path} has no example address`)
        const winner = matcher.resolve({ path: r.example }, { path: '/', name: undefined, params: {}, matched: [], meta: {} })
        if (winner.name !== `route-${i}`) {
          throw new Error(`src/routes.ts: the example ${r.example} of ${r.path} is matched by ${winner.matched[0]?.path ?? 'no route'}`)
        }
        return { path: r.path, name: r.name ?? null, title: r.title ?? null, redirect: r.redirect ?? null, pattern: record.re.source, ignoreCase: record.re.flags.includes('i'), namespace: !!r.namespace, example: r.example }
      })
      this.emitFile({ type: 'asset', fileName: 'routes.json', source: JSON.stringify(manifest, null, 1) + '\n' })
    },
  }
}

// Built by Registry.Server's build (see Registry.Server.csproj) into dist/, which is copied beside the server binary.
export default defineConfig({
  plugins: [vue(), routeManifest()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    reportCompressedSize: true,
  },
  server: {
    // `npm exec vite` for UI work: API calls go to a registry running on the usual port.
    proxy: { '/api': 'http://localhost:5000', '/users/sign_in': 'http://localhost:5000', '/users/sign_out': 'http://localhost:5000' },
  },
})
