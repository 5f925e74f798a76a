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

export async function loadCurrentUser(): Promise<void> {
  try {
    session.user = (await gql<{ currentUser: CurrentUserInfo | null }>(CurrentUser)).currentUser
  } catch (e) {
    session.error = (e as Error).message
  } finally {
    session.loaded = true
  }
}
