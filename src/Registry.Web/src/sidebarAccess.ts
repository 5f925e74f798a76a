import { ref, watch, type Ref } from 'vue'
import { gql } from './api'
import { session } from './session'
import { SidebarAccessDocument as SidebarAccess } from './graphql/generated'

export interface SidebarAccessState { path: string; found: boolean; manages: boolean; owns: boolean }

/**
 * Whether the project or group of the page exists for the reader, and whether they manage it: the server returns
 * accessTokens only to a project's Maintainers and a group's Owners (null to others), the same answer the settings pages
 * go by. The sidebar shows settings entries only to them, as GitLab does; until the answer comes it shows the entries
 * everyone has, so nothing under the pointer is replaced, only added below. `owns`: auditEvents, which the server
 * returns only to Owners, likewise.
 */
export function useSidebarAccess(kind: Ref<'project' | 'group' | null>, path: Ref<string>): Ref<SidebarAccessState> {
  const state = ref<SidebarAccessState>({ path: '', found: true, manages: false, owns: false })
  let sequence = 0
  watch([kind, path, () => session.user?.id], async () => {
    const mine = ++sequence
    if (!kind.value || !path.value) return
    if (state.value.path !== path.value) state.value = { path: path.value, found: true, manages: false, owns: false }
    try {
      const data = await gql(SidebarAccess, { fullPath: path.value })
      const owner = kind.value === 'project' ? data.project : data.group
      if (mine === sequence) state.value = { path: path.value, found: !!owner, manages: !!owner?.accessTokens, owns: !!owner?.auditEvents }
    } catch {
      /* the page itself says what went wrong */
    }
  }, { immediate: true })
  return state
}
