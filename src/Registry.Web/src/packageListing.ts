import { ref, watch, type Ref } from 'vue'
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router'
import type { PackageRow } from './components/PackageList.vue'
import { useLatest, watchDebounced } from './latest'
import { PAGE_SIZE, type PageInfo } from './paging'

export interface PackageConnectionData { count: number; pageInfo: PageInfo; nodes: PackageRow[] }

/** What a package list shows, as its address holds it: ?search=&sort=&status=&group=&page= (and the page's cursor). */
export interface ListingState { search: Ref<string>; sort: Ref<string>; status: Ref<string>; grouped: Ref<boolean> }

const text = (v: unknown) => (typeof v === 'string' ? v : '')

/**
 * A package list page (a project's or a group's). Its search, sort, status filter and page live in the query string,
 * as on GitLab: a reload keeps the view, Back returns to the previous page of the list, a filtered view is a link.
 * A change of sort, status or page is a new history entry; typing in the search box replaces the entry once typing
 * pauses. The list loads whenever the address changes (the controls change it, and so does Back), newest answer only.
 * `fetch` returns the project or group (null when it is not found or not visible) and its package connection.
 */
export function usePackageListing<TOwner>(
  fetch: (state: { search: string; sort: string; status: string }, paging: Record<string, unknown>) => Promise<{ owner: TOwner | null; packages?: PackageConnectionData }>,
  defaultSort = 'CREATED_DESC',
) {
  const route = useRoute()
  const router = useRouter()
  const path = route.path
  const search = ref(text(route.query.search))
  const sort = ref(text(route.query.sort) || defaultSort)
  const status = ref(text(route.query.status))
  // Rows grouped by package name (?group=name): only how the page shows them, so it keeps the page.
  const grouped = ref(route.query.group === 'name')
  const page = ref(Number(route.query.page) > 1 ? Number(route.query.page) : 1)

  const { loading, error, run } = useLatest()
  const owner = ref<TOwner | null>(null) as Ref<TOwner | null>
  const found = ref(true)
  const packages = ref<PackageRow[]>([])
  const count = ref(0)
  const pageInfo = ref<PageInfo>({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null })

  function paging(): Record<string, unknown> {
    const before = text(route.query.before), after = text(route.query.after)
    return before ? { last: PAGE_SIZE, before } : { first: PAGE_SIZE, after: after || null }
  }

  const load = () => run(() => fetch({ search: search.value, sort: sort.value, status: status.value }, paging()), (data) => {
    found.value = !!data.owner
    owner.value = data.owner
    packages.value = data.packages?.nodes ?? []
    count.value = data.packages?.count ?? 0
    if (data.packages) pageInfo.value = data.packages.pageInfo
  })

  /** The address for these values (defaults left out, so the plain list keeps its plain address). */
  function go(changes: { search?: string; sort?: string; status?: string; page?: number; after?: string | null; before?: string | null; grouped?: boolean }, replace = false) {
    const next = { search: search.value, sort: sort.value, status: status.value, grouped: grouped.value, page: 1, after: null as string | null, before: null as string | null, ...changes }
    const query: LocationQueryRaw = {}
    if (next.search) query.search = next.search
    if (next.sort !== defaultSort) query.sort = next.sort
    if (next.status) query.status = next.status
    if (next.grouped) query.group = 'name'
    if (next.page > 1) query.page = String(next.page)
    if (next.after) query.after = next.after
    if (next.before) query.before = next.before
    const location = { path, query }
    if (router.resolve(location).fullPath === route.fullPath) return
    return replace ? router.replace(location) : router.push(location)
  }

  // The controls write the address; the address (also moved by Back and Forward) decides what shows.
  watchDebounced(search, () => { if (search.value !== text(route.query.search)) go({ search: search.value }, true) })
  watch(sort, (v) => { if (v !== (text(route.query.sort) || defaultSort)) go({ sort: v }) })
  watch(status, (v) => { if (v !== text(route.query.status)) go({ status: v }) })
  watch(grouped, (v) => {
    if (v !== (route.query.group === 'name')) go({ grouped: v, page: page.value, after: text(route.query.after) || null, before: text(route.query.before) || null })
  })
  watch(() => route.fullPath, () => {
    if (route.path !== path) return
    search.value = text(route.query.search)
    sort.value = text(route.query.sort) || defaultSort
    status.value = text(route.query.status)
    grouped.value = route.query.group === 'name'
    page.value = Number(route.query.page) > 1 ? Number(route.query.page) : 1
    load()
  })
  load()

  return {
    loading, error, owner, found, packages, count, pageInfo, page, load, search, sort, status, grouped,
    next: () => go({ page: page.value + 1, after: pageInfo.value.endCursor }),
    previous: () => go(page.value <= 2 ? { page: 1 } : { page: page.value - 1, before: pageInfo.value.startCursor }),
  }
}
