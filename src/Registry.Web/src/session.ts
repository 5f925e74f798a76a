import { reactive } from 'vue'
import { gql } from './api'
import { CurrentUserDocument as CurrentUser, type CurrentUserQuery } from './graphql/generated'

export type CurrentUserInfo = NonNullable<CurrentUserQuery['currentUser']>

export const session = reactive<{ user: CurrentUserInfo | null; loaded: boolean; error: string }>({ user: null, loaded: false, error: "" })

let loading: Promise<void> | null = null

/** Loads who is signed in: once at start (the router's guard waits for that load), again after a sign-in (refresh). */
export function loadCurrentUser(refresh = false): Promise<void> {
  if (refresh || !loading) loading = load()
  return loading
}

async function load(): Promise<void> {
  try {
    session.user = (await gql(CurrentUser)).currentUser
  } catch (e) {
    session.error = (e as Error).message
  } finally {
    session.loaded = true
  }
}
