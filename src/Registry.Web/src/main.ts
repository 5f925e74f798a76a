import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { loadCurrentUser } from './session'
import './styles.css'

// The app mounts once it knows who is signed in and the first route is resolved (its page's code loaded), so the first
// paint shows the right page with its own sidebar: never a signed-out state, and never the menu of "/" (which has
// its own "Access tokens") under the pointer of someone about to click the group's or project's entry. The two loads
// run side by side; the router's guard waits for the user (see router.ts).
const app = createApp(App)
loadCurrentUser()
app.use(router)
router.isReady()
  .catch(() => undefined)
  .finally(() => app.mount('#app'))
