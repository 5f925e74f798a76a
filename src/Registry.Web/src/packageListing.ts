import { ref, watch, type Ref, type WatchSource } from 'vue'
import type { PackageRow } from './components/PackageList.vue'
import { useLatest, watchDebounced } from './latest'
import { useCursorPaging, type PageInfo } from './paging'

export interface PackageConnectionData { count: number; pageInfo: PageInfo; nodes: PackageRow[] }

/**
 * A package list page (a project's or a group's): the query with the current page's cursors, the newest answer only,
 * a search that waits for typing to pause, and back to the first page whenever a filter or the sort changes.
 * `fetch` returns the project or group (null when it is not found or not visible) and its package connection.
 */
export function usePackageListing<TOwner>(
  fetch: (paging: Record<string, unknown>) => Promise<{ owner: TOwner | null; packages?: PackageConnectionData }>,
  search: Ref<string>,
  filters: WatchSource[],
) {
  const paging = useCursorPaging()
  const { loading, error, run } = useLatest()
  const owner = ref<TOwner | null>(null) as Ref<TOwner | null>
  const found = ref(true)
  const packages = ref<PackageRow[]>([])
  const count = ref(0)
  const pageInfo = ref<PageInfo>({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null })

  const load = () => run(() => fetch(paging.variables()), (data) => {
    found.value = !!data.owner
    owner.value = data.owner
    packages.value = data.packages?.nodes ?? []
    count.value = data.packages?.count ?? 0
    if (data.packages) pageInfo.value = data.packages.pageInfo
  })
  const restart = () => {
    paging.reset()
    load()
  }
  watchDebounced(search, restart)
  watch(filters, restart)
  load()

  return {
    loading, error, owner, found, packages, count, pageInfo, page: paging.state, load,
    next: () => { paging.next(pageInfo.value); load() },
    previous: () => { paging.previous(pageInfo.value); load() },
  }
}
