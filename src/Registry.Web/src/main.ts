import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { loadCurrentUser } from './session'
import './styles.css'

// Who is signed in is known before the first page renders, so pages never flash a signed-out state.
loadCurrentUser()
  .catch(() => undefined)
  .finally(() => createApp(App).use(router).mount('#app'))
