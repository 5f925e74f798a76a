import { rank } from './format'
import type { CurrentUserInfo } from './session'

interface MemberLike { user: { username: string }; accessLevel: string }

/**
 * The signed-in user's role, from the member list the page already loaded: administrators and the owner of a personal
 * namespace are Owners; otherwise the highest of their memberships. The server decides what is allowed; this only
 * decides which buttons to show.
 */
export function roleOf(user: CurrentUserInfo | null | undefined, members: MemberLike[] | undefined, namespacePath?: string): number {
  if (!user) return -1
  if (user.admin || (namespacePath && namespacePath.toLowerCase() === user.username.toLowerCase())) return rank('OWNER')
  return Math.max(-1, ...(members ?? []).filter((m) => m.user.username === user.username).map((m) => rank(m.accessLevel)))
}

export const GUEST = rank('GUEST')
export const DEVELOPER = rank('DEVELOPER')
export const MAINTAINER = rank('MAINTAINER')
export const OWNER = rank('OWNER')
