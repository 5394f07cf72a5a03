import { resolveDatabaseUrl, testStoreLayer } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { ConfigProvider, Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { settings } from "../src/Config.ts"
import { MemoryStoreLayer, type StorePorts } from "../src/Store.ts"
import { errorBody, get, post, type RunningApi, startApi } from "../testing/TestServer.ts"

/**
 * Bounded page depth (API_MAX_RESULT_WINDOW), keyset paging by `cursor` and its `Link` header, NUL in a filter,
 * and empty parameters — over real HTTP, against the memory store and a real PostgreSQL (the NUL case only
 * ever failed there: PostgreSQL text cannot hold U+0000).
 */
const stores: ReadonlyArray<readonly [string, () => Layer.Layer<StorePorts>]> = [
  ["memory", () => MemoryStoreLayer],
  ["postgres", () => Layer.orDie(testStoreLayer(resolveDatabaseUrl(), "api_paging"))],
]

// Every date derives from the clock: two hours ago, in steps of a second, so retention and "stalled" never
// reach it and it is never in the future.
const BASE = Date.now() - 2 * 3_600_000
const iso = (offsetMs: number) => new Date(BASE + offsetMs).toISOString()

const hex = (n: number) => n.toString(16).padStart(32, "0")
const SERVICE = "pagingsvc"
const REQUESTS = [1, 2, 3, 4, 5].map((n) => hex(0xabc000 + n))

// 25 statuses: 5 payloads × 5 statuses; 3 distinct dates and 2 sources, so most sort keys have ties.
const STATUSES = REQUESTS.flatMap((request_id, n) =>
  ["received", "processing", "processing", "success", "error"].map((status, k) => ({
    request_id,
    service: SERVICE,
    status,
    ...(k % 2 === 0 ? { source: "inventory" } : {}),
    status_msg: `step ${k}`,
    account: `acct-${n % 2}`,
    org_id: `org-${n % 3}`,
    date: iso(((n + k) % 3) * 1000),
  })),
)

type List = { count: number; elapsed: number; data: Array<Record<string, unknown>> }

/** The target of `Link: <…>; rel="next"`, or undefined when the answer has none. */
const nextOf = (response: Response): string | undefined => {
  const link = response.headers.get("link")
  if (link === null) return undefined
  const m = /^<([^>]+)>; rel="next"$/.exec(link)
  if (m === null) throw new Error(`not an RFC 8288 next link: ${link}`)
  return m[1]
}

/** Follows `Link rel="next"` from `path` until a page has none; every page's count and keys checked. */
const walk = async (base: string, path: string, total: number) => {
  const rows: Array<Record<string, unknown>> = []
  let next: string | undefined = path
  for (let pages = 0; next !== undefined; pages++) {
    if (pages > total + 1) throw new Error("the walk did not end")
    const r = await get(base, next)
    expect(r.status, r.text).toBe(200)
    const body = r.body as List
    expect(Object.keys(body)).toEqual(["count", "elapsed", "data"])
    expect(body.count).toBe(total)
    rows.push(...body.data)
    next = nextOf(r.response)
  }
  return rows
}

const bad = (message: string) => errorBody(400, "Bad Request", message)
const windowMessage = (limit: number) =>
  `page and page_size reach past the result window: (page + 1) * page_size must be at most ${limit}; ` +
  `to read further, use cursor (follow the Link rel="next" header of each full page)`
const INVALID_CURSOR = `cursor is not a valid cursor; send back the one of a Link rel="next" header unchanged`
const cursorOf = (link: string) => new URL(link, "http://x").searchParams.get("cursor")!
const forge = (body: unknown) => Buffer.from(JSON.stringify(body)).toString("base64url")

describe.each(stores)("paging over HTTP (%s store)", (_name, store) => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi({ store: store() })
    const r = await post(api.url, "/api/v1/statuses", JSON.stringify(STATUSES))
    expect(r.body).toEqual({ accepted: 25, rejected: [] })
  })
  afterAll(() => api.close())

  describe("bounded page depth (API_MAX_RESULT_WINDOW, default 10000)", () => {
    it.each(["/api/v1/statuses", "/api/v1/payloads"])(
      "%s: deep offsets are a 400 naming the limit",
      async (path) => {
        // The reported attack: a 9-13 s offset scan on 800k rows; now refused before any query runs.
        const attack = await get(api.url, `${path}?page=1000000000000&page_size=1000`)
        expect([attack.status, attack.body]).toEqual([400, bad(windowMessage(10000))])
        for (const [page, size, status] of [
          [9, 1000, 200], // rows 9000..9999: exactly the window
          [10, 1000, 400],
          [999, 10, 200],
          [1000, 10, 400],
          [Number.MAX_SAFE_INTEGER, 1, 400],
        ] as const)
          expect((await get(api.url, `${path}?page=${page}&page_size=${size}`)).status).toBe(status)
      },
    )

    it("keeps the spec's validation order: integers, then the window, then sort_by", async () => {
      const order = [
        ["page=-1&page_size=5000", "page must be a non-negative integer"],
        ["page=1&page_size=5000", "page_size must be an integer between 1 and 1000"],
        ["page=20000&sort_by=nope", windowMessage(10000)],
        [
          "sort_by=nope&sort_dir=up&cursor=%25",
          "sort_by must be one of account, org_id, inventory_id, system_id, created_at",
        ],
        ["sort_dir=up&cursor=%25", "sort_dir must be one of asc, desc"],
        ["cursor=%25&created_at_lt=nope", INVALID_CURSOR],
        ["created_at_lt=nope&account=%00", "invalid timestamp format provided"],
      ] as const
      for (const [query, message] of order)
        expect((await get(api.url, `/api/v1/payloads?${query}`)).body, query).toEqual(bad(message))
    })
  })

  describe("keyset paging: cursor and Link rel=next", () => {
    const sorts = [
      ["/api/v1/statuses", "date", "desc"],
      ["/api/v1/statuses", "date", "asc"],
      ["/api/v1/statuses", "status", "asc"],
      ["/api/v1/statuses", "source", "desc"],
      ["/api/v1/statuses", "request_id", "asc"],
      ["/api/v1/statuses", "status_msg", "desc"],
      ["/api/v1/statuses", "created_at", "asc"],
      ["/api/v1/payloads", "created_at", "desc"],
      ["/api/v1/payloads", "account", "asc"],
      ["/api/v1/payloads", "org_id", "desc"],
    ] as const
    it.each(sorts)(
      "%s sort_by=%s sort_dir=%s: the walk yields exactly the offset rows",
      async (path, by, dir) => {
        const filter = path.endsWith("statuses") ? `service=${SERVICE}` : "request_id="
        const all = (await get(api.url, `${path}?${filter}&sort_by=${by}&sort_dir=${dir}&page_size=100`))
          .body as List
        expect(all.count).toBe(path.endsWith("statuses") ? 25 : 5)
        for (const size of [1, 2, 5]) {
          const rows = await walk(
            api.url,
            `${path}?${filter}&sort_by=${by}&sort_dir=${dir}&page_size=${size}`,
            all.count,
          )
          expect(rows).toEqual(all.data)
        }
      },
    )

    it("reaches rows past the result window, which offset paging refuses", async () => {
      const small = await startApi({ store: MemoryStoreLayer, settings: { maxResultWindow: 6 } })
      try {
        expect((await post(small.url, "/api/v1/statuses", JSON.stringify(STATUSES))).status).toBe(202)
        expect((await get(small.url, "/api/v1/statuses?page=1&page_size=5")).body).toEqual(
          bad(windowMessage(6)),
        )
        const all = await walk(small.url, "/api/v1/statuses?page_size=5", 25)
        expect(new Set(all.map((s) => `${s.request_id} ${s.status} ${s.source} ${s.date}`)).size).toBe(25)
      } finally {
        await small.close()
      }
    })

    it("links keep the client's prefix and query, drop page, and only full pages link", async () => {
      const path = `/app/payload-tracker/api/v1/statuses?service=${SERVICE}&page=0&page_size=10&sort_dir=asc`
      const first = await get(api.url, path)
      const link = nextOf(first.response)!
      expect(link).toMatch(
        new RegExp(
          `^/app/payload-tracker/api/v1/statuses\\?service=${SERVICE}&page_size=10&sort_dir=asc&cursor=[\\w-]+$`,
        ),
      )
      const third = await get(api.url, nextOf((await get(api.url, link)).response)!)
      expect((third.body as List).data).toHaveLength(5)
      expect(third.response.headers.get("link")).toBeNull()
      // The body of a request without cursor is what it always was: no field was added for paging.
      expect(Object.keys(first.body as List)).toEqual(["count", "elapsed", "data"])
    })

    it("rejects a cursor with page, one that does not decode, and one made for another sort or list", async () => {
      const link = nextOf((await get(api.url, "/api/v1/statuses?page_size=2&sort_by=status")).response)!
      const cursor = cursorOf(link)
      const cases = [
        [
          `statuses?sort_by=status&page=1&cursor=${cursor}`,
          "cursor cannot be combined with page: a cursor page starts at the cursor",
        ],
        [`statuses?sort_by=status&page=0&cursor=${cursor}`, undefined],
        [`statuses?sort_by=status&cursor=${cursor.slice(0, -3)}`, INVALID_CURSOR],
        [`statuses?sort_by=status&cursor=not%20base64`, INVALID_CURSOR],
        [
          `statuses?sort_by=status&cursor=${forge({ v: 1, e: "statuses", s: "status", d: "desc", k: "a\u0000", i: 1 })}`,
          INVALID_CURSOR,
        ],
        [
          `statuses?sort_by=date&cursor=${forge({ v: 1, e: "statuses", s: "date", d: "desc", k: "yesterday", i: 1 })}`,
          INVALID_CURSOR,
        ],
        [
          `statuses?sort_by=service&cursor=${cursor}`,
          "cursor was made for /statuses with sort_by=status and sort_dir=desc; use it with the same ones",
        ],
        [
          `statuses?sort_by=status&sort_dir=asc&cursor=${cursor}`,
          "cursor was made for /statuses with sort_by=status and sort_dir=desc; use it with the same ones",
        ],
        [
          `payloads?cursor=${forge({ v: 1, e: "statuses", s: "created_at", d: "desc", k: 0, i: 1 })}`,
          "cursor was made for /statuses with sort_by=created_at and sort_dir=desc; use it with the same ones",
        ],
      ] as const
      for (const [query, message] of cases) {
        const r = await get(api.url, `/api/v1/${query}`)
        if (message === undefined) expect(r.status, query).toBe(200)
        else expect(r.body, query).toEqual(bad(message))
      }
    })
  })

  describe("a NUL character in a filter is a 400 naming the parameter", () => {
    const filters = [
      ...["account", "org_id", "inventory_id", "system_id", "request_id"].map(
        (p) => ["payloads", p] as const,
      ),
      ...["service", "source", "status", "status_msg", "request_id"].map((p) => ["statuses", p] as const),
    ]
    it.each(filters)("/%s?%s=…%00…", async (list, name) => {
      for (const value of ["%00", "a%00b"]) {
        const r = await get(api.url, `/api/v1/${list}?${name}=${value}`)
        expect([r.status, r.body]).toEqual([400, bad(`${name} must not contain a NUL character`)])
      }
    })
  })

  describe("an empty parameter is the parameter left out (as the Go service reads it)", () => {
    const strip = (body: unknown) => ({ ...(body as List), elapsed: 0 })
    const times = (field: string) => ["lt", "lte", "gt", "gte"].map((op) => `${field}_${op}=`)
    it.each([
      [
        "/api/v1/payloads",
        ["account=", "org_id=", "inventory_id=", "system_id=", "request_id=", ...times("created_at")],
      ],
      [
        "/api/v1/statuses",
        [
          "service=",
          "source=",
          "status=",
          "status_msg=",
          "request_id=",
          ...times("date"),
          ...times("created_at"),
        ],
      ],
    ])("%s", async (path, filters) => {
      const defaults = await get(api.url, path)
      const empty = await get(
        api.url,
        `${path}?page=&page_size=&sort_by=&sort_dir=&cursor=&${filters.join("&")}`,
      )
      expect(empty.status).toBe(200)
      expect(strip(empty.body)).toEqual(strip(defaults.body))
      expect((empty.body as List).data.length).toBeGreaterThan(0)
    })

    it("/payloads/{id} and /stats", async () => {
      const track = `/api/v1/payloads/${REQUESTS[0]}`
      expect((await get(api.url, `${track}?sort_by=&sort_dir=&verbosity=`)).body).toEqual(
        (await get(api.url, track)).body,
      )
      const stats = await get(api.url, "/api/v1/stats?stat=&since=")
      expect(stats.status).toBe(200)
      expect((stats.body as { stat: string }).stat).toBe("SuccessRate")
    })
  })
})

describe("API_MAX_RESULT_WINDOW", () => {
  const windowOf = (env: Record<string, string>) =>
    Effect.runPromiseExit(
      Effect.map(
        Effect.provideService(settings, ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord(env)),
        (s) => s.maxResultWindow,
      ),
    )
  it("defaults to 10000 and must be a positive integer", async () => {
    expect(await windowOf({})).toMatchObject({ _tag: "Success", value: 10000 })
    expect(await windowOf({ API_MAX_RESULT_WINDOW: "500" })).toMatchObject({ _tag: "Success", value: 500 })
    expect((await windowOf({ API_MAX_RESULT_WINDOW: "0" }))._tag).toBe("Failure")
    expect((await windowOf({ API_MAX_RESULT_WINDOW: "lots" }))._tag).toBe("Failure")
  })
})
