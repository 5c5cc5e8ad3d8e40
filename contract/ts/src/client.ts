// The frontend team's path: a typed client from the committed contract. `npm run check`
// generates src/schema.gen.ts from ../../openapi/openapi.json (openapi-typescript) and
// type-checks this file against it; when the contract changes shape, this stops compiling.
//
// TODO(records): when the record endpoints land, type `listSignals` (filters, `cursor`,
// `nextCursor`), `createSignal` (POST body, 201 + Location), `getSignal` and
// `updateSignal` (merge patch with If-Match) here, like the clients calls below.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.gen";

type Schemas = components["schemas"];
export type Plan = Schemas["PlanRead"];
export type Indicator = Schemas["IndicatorRead"];
export type Problem = Schemas["Problem"];

export function monitorClient(baseUrl: string, apiKey: string) {
  return createClient<paths>({
    baseUrl, // e.g. https://ondermijning.example.nl/api/v1 (the contract's server, major v1)
    headers: { Authorization: `Bearer ${apiKey}` },
  });
}
type Client = ReturnType<typeof monitorClient>;

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

// The contract is strict; these must not compile.
export async function misuses(client: Client) {
  // @ts-expect-error `role` is an enum: admin, analyst, coordinator, partner
  await client.POST("/clients", { body: { name: "x", role: "superuser" } });
  // @ts-expect-error there is no PUT on a plan
  await client.PUT("/plans/{code}", { params: { path: { code: "2023-2024" } } });
  // @ts-expect-error `limit` is a number
  await client.GET("/clients", { params: { query: { limit: "50" } } });
}
