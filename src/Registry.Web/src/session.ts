import { reactive } from 'vue'
import { gql } from './api'
import CurrentUser from './graphql/CurrentUser.graphql?raw'

export interface CurrentUserInfo {
  id: string
  username: string
  name: string
  admin: boolean
}

export const session = reactive<{ user: CurrentUserInfo | null; loaded: boolean; error: string }>({ user: null, loaded: false, error: "" })

let loading: Promise<void> | null = null

/** Loads who is signed in: once at start (the router's guard waits for that load), again after a sign-in (refresh). */
export function loadCurrentUser(refresh = false): Promise<void> {
  if (refresh || !loading) loading = load()
  return loading
}

async function load(): Promise<void> {
  try {
    session.user = (await gql<{ currentUser: CurrentUserInfo | null }>(CurrentUser)).currentUser
  } catch (e) {
    session.error = (e as Error).message
  } finally {
    session.loaded = true
  }
}
