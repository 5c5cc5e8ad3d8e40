// The frontend team's path: a typed client from the committed contract. `npm run check`
// generates src/schema.gen.ts from ../../openapi/openapi.json (openapi-typescript) and
// type-checks this file against it; when the contract changes shape, this stops compiling.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.gen";

type Schemas = components["schemas"];
export type Plan = Schemas["PlanRead"];
export type Indicator = Schemas["IndicatorRead"];
export type Problem = Schemas["Problem"];
export type Signal = Schemas["SignalRead"];
export type SignalInput = Schemas["SignalInput"];
export type SignalPatch = Schemas["SignalInputPatch"];

// Operations are typed per media type: the JSON client sees only the JSON bodies (and the
// problem details of errors), so `data.pillars` of `/progress` is typed, not JSON-or-CSV.
export type JsonMedia = "application/json" | "application/problem+json";
export type CsvMedia = "text/csv" | "application/problem+json";

export function monitorClient(baseUrl: string, apiKey: string) {
  return createClient<paths, JsonMedia>({
    baseUrl, // e.g. https://ondermijning.example.nl/api/v1 (the contract's server, major v1)
    headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/json" },
  });
}
export type Client = ReturnType<typeof monitorClient>;

/** The same API asked for CSV (`/progress`, `/statistics/{resource}`): bodies are text. */
export function csvClient(baseUrl: string, apiKey: string) {
  return createClient<paths, CsvMedia>({
    baseUrl,
    headers: { Authorization: `Bearer ${apiKey}`, Accept: "text/csv" },
  });
}
export type CsvClient = ReturnType<typeof csvClient>;

/** Reference data: the plans and one plan's indicators with their targets. */
export async function planOverview(client: Client, planCode: string) {
  const plan = await client.GET("/plans/{code}", { params: { path: { code: planCode } } });
  if (plan.error) {
    const problem: Problem = plan.error;
    throw new Error(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
  const indicators = await client.GET("/indicators", { params: { query: { plan: planCode } } });
  if (indicators.error) throw new Error(indicators.error.detail);
  const yearly: Indicator[] = indicators.data.items.filter(
    (indicator) => indicator.kind === "count" && indicator.target?.per === "year",
  );
  const starts: string = plan.data.startsOn; // ISO date
  return { title: plan.data.title, starts, yearly };
}

/** Clients (admin): make a partner client, page through all of them, revoke one. */
export async function partnerClients(client: Client) {
  const created = await client.POST("/clients", {
    body: {
      name: "Politie Zuid-Holland Zuid",
      role: "partner",
      partner: "politie",
      eventSources: ["urn:nl:politie:zhz:bvh"],
      maxConfidentiality: "vertrouwelijk",
    },
  });
  if (created.error) {
    // 400 problems list every invalid input at once.
    const names = (created.error.invalidParams ?? []).map((param) => param.name);
    throw new Error(`rejected: ${names.join(", ")}`);
  }
  const apiKey: string = created.data.apiKey; // shown this once

  const names: string[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await client.GET("/clients", {
      params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } },
    });
    if (page.error) throw new Error(page.error.detail);
    names.push(...page.data.items.map((item) => item.name));
    cursor = page.data.nextCursor;
  } while (cursor);

  const revoked = await client.DELETE("/clients/{clientId}", {
    params: { path: { clientId: created.data.id } },
  });
  const revokedAt: string | null | undefined = revoked.data?.revokedAt;
  return { apiKey, names, revokedAt };
}

/** Signals: register one safely (retryable), page through a window, move it on. */
export async function signalWorkflow(client: Client, idempotencyKey: string) {
  const input: SignalInput = {
    channel: "casusoverleg",
    receivedOn: "2023-02-01",
    discussedOn: "2023-02-14",
    theme: "ondermijnende-bedrijvigheid",
    subjectKind: "bedrijf",
    address: { street: "Voorstraat", houseNumber: "12", postcode: "3311 AB", city: "Dordrecht" },
  };
  const created = await client.POST("/signals", {
    body: input,
    params: { header: { "Idempotency-Key": idempotencyKey } },
  });
  if (created.error) {
    const names = (created.error.invalidParams ?? []).map((param) => param.name);
    throw new Error(`rejected: ${names.join(", ")}`);
  }
  const signal: Signal = created.data;
  const reference: string = signal.reference; // e.g. SIG-2023-000017

  const inWindow: Signal[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await client.GET("/signals", {
      params: {
        query: {
          channel: "casusoverleg",
          from: "2023-01-01",
          to: "2023-04-30",
          limit: 200,
          ...(cursor ? { cursor } : {}),
        },
      },
    });
    if (page.error) throw new Error(page.error.detail);
    inWindow.push(...page.data.items);
    cursor = page.data.nextCursor;
  } while (cursor);

  // Optimistic concurrency: the ETag is the version; a stale one answers 412.
  const read = await client.GET("/signals/{id}", { params: { path: { id: signal.id } } });
  const etag = read.response.headers.get("ETag") ?? `"${signal.version}"`;
  const patch: SignalPatch = { status: "in-behandeling", neighbourhood: null };
  const moved = await client.PATCH("/signals/{id}", {
    params: { path: { id: signal.id }, header: { "If-Match": etag } },
    body: patch,
  });
  if (moved.error) {
    // 409: `allowedTransitions` names the next states; 412: read again and retry.
    throw new Error(`${moved.error.status}: ${moved.error.detail}`);
  }
  const status: Signal["status"] = moved.data.status;
  return { reference, count: inWindow.length, status };
}

/** Progress per pillar as JSON (the default), and the same window as CSV for a spreadsheet. */
export async function progressOverview(client: Client, csv: CsvClient, plan: string) {
  const window = { plan, from: "2023-01-01", to: "2023-04-30" };
  const report = await client.GET("/progress", { params: { query: window } });
  if (report.error) throw new Error(`${report.error.status}: ${report.error.detail}`);
  const behind: string[] = report.data.pillars.flatMap((pillar) =>
    pillar.indicators
      .filter((indicator) => indicator.status === "achter")
      .map((indicator) => `${pillar.code}: ${indicator.title}`),
  );
  const sheet = await csv.GET("/progress", { params: { query: window }, parseAs: "text" });
  if (sheet.error) throw new Error(sheet.error.detail);
  const rows: string = sheet.data;
  return { behind, lines: rows.split("\n").length };
}

// The contract is strict; these must not compile.
export async function misuses(client: Client) {
  // @ts-expect-error `role` is an enum: admin, analyst, coordinator, partner
  await client.POST("/clients", { body: { name: "x", role: "superuser" } });
  // @ts-expect-error there is no PUT on a plan
  await client.PUT("/plans/{code}", { params: { path: { code: "2023-2024" } } });
  // @ts-expect-error `limit` is a number
  await client.GET("/clients", { params: { query: { limit: "50" } } });
  // @ts-expect-error `channel` is an enum; "telefoon" is not one of its values
  await client.POST("/signals", { body: { channel: "telefoon", receivedOn: "2023-01-01" } });
  await client.PATCH("/signals/{id}", {
    params: { path: { id: "x" }, header: { "If-Match": "*" } },
    // @ts-expect-error "klaar" is not a signal status
    body: { status: "klaar" },
  });
  const report = await client.GET("/progress", {});
  // @ts-expect-error the JSON client's body is the report, not CSV text
  const text: string = report.data;
  return text;
}
