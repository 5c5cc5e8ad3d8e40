// A small example screen, as the municipality's frontend team would build it on the JSON API:
// a list of signals with search (`q`), sort (`sort`) and a total (`total=true`), and a detail
// whose workflow buttons come from `allowedTransitions`, labelled from `/vocabularies`
// (SPEC §4.1, §4.3). Type-checked by scripts/contract-typescript against the contract.
import type { Client, Signal } from "./client";
import type { paths } from "./schema.gen";

// The list's query as the contract types it: a name it does not know does not compile
// (openapi-fetch's own parameter is looser than the contract).
export type SignalListQuery = NonNullable<paths["/signals"]["get"]["parameters"]["query"]>;

export type SignalStatus = Signal["status"];

export interface ListRow {
  id: string;
  reference: string;
  receivedOn: string;
  status: string; // the Dutch label
}

export interface WorkflowButton {
  to: SignalStatus;
  label: string;
  description: string;
}

/** The labels of one enum, by value, from `GET /vocabularies`. */
export async function labelsOf(client: Client, enumName: string) {
  const vocabularies = await client.GET("/vocabularies", {});
  if (vocabularies.error) throw new Error(vocabularies.error.detail);
  const values = vocabularies.data.enums[enumName]?.values ?? [];
  return new Map(values.map((value) => [value.value, value]));
}

/** The list: what the search box holds, newest received first, with the count. */
export async function signalList(client: Client, search: string, cursor?: string) {
  const labels = await labelsOf(client, "SignalStatus");
  const query: SignalListQuery = {
    q: search,
    sort: "-receivedOn",
    total: true,
    limit: 50,
    cursor: cursor ?? null,
  };
  const page = await client.GET("/signals", { params: { query } });
  if (page.error) throw new Error(`${page.error.status}: ${page.error.detail}`);
  const rows: ListRow[] = page.data.items.map((signal) => ({
    id: signal.id,
    reference: signal.reference,
    receivedOn: signal.receivedOn,
    status: labels.get(signal.status)?.label ?? signal.status,
  }));
  const total: number | undefined = page.data.total ?? undefined;
  return { rows, total, next: page.data.nextCursor ?? null };
}

/** The detail: the record, and one button per status this caller may move it to now. */
export async function signalDetail(client: Client, id: string) {
  const labels = await labelsOf(client, "SignalStatus");
  const read = await client.GET("/signals/{id}", { params: { path: { id } } });
  if (read.error) throw new Error(`${read.error.status}: ${read.error.detail}`);
  const etag = read.response.headers.get("ETag") ?? `"${read.data.version}"`;
  // The contract types `allowedTransitions` as strings (one schema for every record type);
  // the server names only statuses of this record's own workflow.
  const buttons: WorkflowButton[] = read.data.allowedTransitions.map((to) => ({
    to: to as WorkflowButton["to"],
    label: labels.get(to)?.label ?? to,
    description: labels.get(to)?.description ?? "",
  }));
  return { signal: read.data, etag, buttons };
}

/** A button's click: move the signal on; a 412 means someone else changed it first. */
export async function press(client: Client, id: string, etag: string, button: WorkflowButton) {
  const moved = await client.PATCH("/signals/{id}", {
    params: { path: { id }, header: { "If-Match": etag } },
    body: { status: button.to },
  });
  if (moved.error) throw new Error(`${moved.error.status}: ${moved.error.detail}`);
  return moved.data.status;
}
