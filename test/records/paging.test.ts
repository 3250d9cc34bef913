import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Page {
  data: Array<Record<string, unknown>>
  total: number
  next_cursor: string | null
}

// 120 rows: an id, a category repeated 30 times each, a boolean, a date with nulls.
function fixture(): string {
  const lines = ['id;categorie;actif;jour']
  for (let i = 1; i <= 120; i++) {
    const day = i % 7 === 0 ? '' : `${String((i % 28) + 1).padStart(2, '0')}/03/2024`
    lines.push(`${i};${['parc', 'square', 'rue', 'place'][i % 4]};${i % 3 ? 'oui' : 'non'};${day}`)
  }
  return lines.join('\n') + '\n'
}

t.test('rows paging', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const resourceId = await createResource(editor, await createDataset(editor))
  t.equal((await upload(editor, resourceId, fixture())).status, 201)
  const base = `/api/v1/resources/${resourceId}/records`

  const walk = async (query: string) => {
    const ids: unknown[] = []
    let url = `${base}?${query}`
    for (let pages = 0; pages < 200; pages++) {
      const res = await editor.get(url)
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.body}`)
      const page = res.json<Page>()
      ids.push(...page.data.map((r) => r.id))
      if (page.next_cursor === null) break
      url = `${base}?${query}&cursor=${page.next_cursor}`
    }
    return ids
  }

  t.test('the default order is the file order, and every row comes once', async (t) => {
    for (const limit of [1, 7, 10, 25, 1000]) {
      const ids = await walk(`limit=${limit}`)
      t.same(ids, Array.from({ length: 120 }, (_, i) => i + 1), `limit ${limit}`)
    }
  })

  t.test('ordering by repeated values, booleans, nullable dates pages through all', async (t) => {
    for (const order of ['categorie', '-categorie,id', 'actif', '-actif', 'jour', '-jour,actif']) {
      const ids = await walk(`order=${order}&limit=9`)
      t.equal(ids.length, 120, `${order}: every row`)
      t.equal(new Set(ids).size, 120, `${order}: none twice`)
    }
    const filtered = await walk('where[categorie]=parc&order=-jour&limit=4')
    t.equal(filtered.length, 30)
  })

  // Found by a new user's run through the README: past five columns, the first unknown
  // name was blamed.
  t.test('an order on more than five columns says so first', async (t) => {
    const res = await editor.get(`${base}?order=a,b,c,d,e,f`)
    t.equal(res.status, 400)
    t.match(res.json(), { code: 'ORDER_INVALID', detail: 'Order by 5 columns at most.' })
  })

  t.test('forged cursors are refused with 400, never a 500', async (t) => {
    const first = (await editor.get(`${base}?order=id&limit=1`)).json<Page>()
    const [tag] = JSON.parse(Buffer.from(first.next_cursor ?? '', 'base64url').toString()) as [
      string
    ]
    const forge = (...values: unknown[]) =>
      Buffer.from(JSON.stringify([tag, ...values])).toString('base64url')
    for (const cursor of [
      forge('abc', '1'), forge('1', '9999999999999999999'), forge('1', 'x'), forge('1'),
      forge({ a: 1 }, '1'), 'not base64 at all', forge('1\u0000', '1')
    ]) {
      const res = await editor.get(`${base}?order=id&limit=1&cursor=${encodeURIComponent(cursor)}`)
      t.equal(res.status, 400, cursor)
      t.equal(res.json().code, 'CURSOR_INVALID', cursor)
    }
  })

  // Found by attacking the API: the answer said the cursor came from another listing.
  t.test('a cursor taken before the resource was loaded again says the rows changed',
    async (t) => {
      const id = await createResource(editor, await createDataset(editor))
      t.equal((await upload(editor, id, 'n\n1\n2\n3\n')).status, 201)
      const url = `/api/v1/resources/${id}/records`
      const page = (await editor.get(`${url}?order=n&limit=1`)).json<Page>()
      t.equal((await upload(editor, id, 'n\n4\n5\n6\n')).status, 201)

      const stale = await editor.get(`${url}?order=n&limit=1&cursor=${page.next_cursor ?? ''}`)
      t.equal(stale.status, 400)
      t.match(stale.json(), { code: 'CURSOR_INVALID', detail: /rows changed/ })
      const other = await editor.get(`${url}?order=-n&limit=1&cursor=${page.next_cursor ?? ''}`)
      t.match(other.json(), { code: 'CURSOR_INVALID', detail: /another listing or order/ },
        'under another order, it is still another listing')
      // Found by attacking the API again: another resource's cursor was told the same.
      const twin = await createResource(editor, await createDataset(editor))
      t.equal((await upload(editor, twin, 'n\n1\n2\n3\n')).status, 201)
      const elsewhere = await editor.get(
        `/api/v1/resources/${twin}/records?order=n&limit=1&cursor=${page.next_cursor ?? ''}`)
      t.match(elsewhere.json(), { code: 'CURSOR_INVALID', detail: /another listing or order/ },
        'from another resource, too')
    })

  // Found by attacking the API: each was a 500, or a cursor the service refused
  // although it had made it.
  t.test('cursors over timestamps and long decimals', async (t) => {
    const id = await createResource(editor, await createDataset(editor))
    const long = (d: string) => `${d}${'0'.repeat(150)}`
    const csv = `quand;n
2024-01-01T10:00:00Z;${long('1')}
2024-06-01T10:00:00+02:00;${long('2')}
`
    t.equal((await upload(editor, id, csv)).status, 201)
    const url = `/api/v1/resources/${id}/records`

    const byN = (await editor.get(`${url}?order=n&limit=1`)).json<Page>()
    const next = await editor.get(`${url}?order=n&limit=1&cursor=${byN.next_cursor ?? ''}`)
    t.equal(next.status, 200, next.body)
    t.same(next.json<Page>().data.map((r) => r.n), [long('2')], 'a decimal of 151 digits')

    const byTime = (await editor.get(`${url}?order=quand&limit=1`)).json<Page>()
    const [tag, , row] = JSON.parse(
      Buffer.from(byTime.next_cursor ?? '', 'base64url').toString()) as [string, string, string]
    for (const forged of ['2024-05-03 99:00:00+00', '2024-05-03 10:00:00+99',
      '2024-05-03 10:00:00+05:99', '2024-05-03 10:61:00+00', '2024-05-03 10:00:00']) {
      const cursor = Buffer.from(JSON.stringify([tag, forged, row])).toString('base64url')
      const res = await editor.get(`${url}?order=quand&limit=1&cursor=${cursor}`)
      t.equal(res.status, 400, forged)
      t.equal(res.json().code, 'CURSOR_INVALID', forged)
    }

    const list = (await editor.get('/api/v1/datasets?limit=1')).json<Page>()
    const [listTag, at, datasetId] = JSON.parse(
      Buffer.from(list.next_cursor ?? '', 'base64url').toString()) as [string, string, string]
    const offsetForged = at.replace(/[+-]\d{2}(:\d{2})?$/, '+05:99')
    const forgedList = Buffer.from(JSON.stringify([listTag, offsetForged, datasetId]))
      .toString('base64url')
    const refused = await editor.get(`/api/v1/datasets?limit=1&cursor=${forgedList}`)
    t.equal(refused.status, 400, refused.body)
    t.equal(refused.json().code, 'CURSOR_INVALID')
  })

  t.test('ordered by long texts, cursors stay short', async (t) => {
    const id = await createResource(editor, await createDataset(editor))
    const long = (c: string, n: number) => `${c.repeat(20_000)}${n}`
    const csv = `n;texte\n1;${long('b', 1)}\n2;${long('a', 2)}\n3;${long('b', 0)}\n4;court\n`
    t.equal((await upload(editor, id, csv)).status, 201)
    const url = `/api/v1/resources/${id}/records?order=-texte&limit=1`
    const seen: unknown[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 10; pages++) {
      const res = await editor.get(cursor === null ? url : `${url}&cursor=${cursor}`)
      t.equal(res.status, 200, res.body.slice(0, 200))
      const page = res.json<Page>()
      seen.push(...page.data.map((r) => r.n))
      cursor = page.next_cursor
      if (cursor === null) break
      t.ok(cursor.length < 2000, `a cursor of ${cursor.length} characters`)
    }
    t.same(seen, [4, 1, 3, 2], 'every row once, in order')
  })

  t.test('malformed filters are refused, not ignored', async (t) => {
    for (const query of ['where[id][zz]=1', 'where[id][eq][x]=1', 'where[]=1', 'where[id]][eq]=1',
      'where[nope]=1', 'where[id][gt]=abc', 'where[jour][gte]=2024-02-30',
      'where[categorie]=a%00b']) {
      const res = await editor.get(`${base}?${query}`)
      t.equal(res.status, 400, query)
      t.match(res.json().code, /FILTER_INVALID|VALIDATION_FAILED/, query)
    }
    const listed = await editor.get(`${base}?where[jour][in]=2024-03-02,2024-03-03`)
    t.match(listed.json(), { code: 'FILTER_INVALID', detail: /repeat the parameter/ },
      'several values in one parameter: told how to give them')
    const repeated = await editor.get(
      `${base}?where[jour][in]=2024-03-02&where[jour][in]=2024-03-03`)
    t.equal(repeated.json<Page>().total, 10)
    const stamps = await createResource(editor, await createDataset(editor))
    await upload(editor, stamps, 'quand\n2024-01-01T10:00:00Z\n2024-06-01T10:00:00+02:00\n')
    const at = `/api/v1/resources/${stamps}/records?where[quand][gte]=`
    t.equal((await editor.get(`${at}2024-06-01T08:00:00Z`)).json<Page>().total, 1)
    for (const bad of ['2024-02-30T00:00:00Z', '2024-06-01T10:00:00', 'demain']) {
      t.equal((await editor.get(at + bad)).status, 400, bad)
    }

    const upper = await editor.get(`${base}?where[id][GT]=118`)
    t.equal(upper.json<Page>().total, 2, 'operators are case-insensitive')
  })
})
