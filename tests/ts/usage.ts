// Hand-written usage of the TypeScript types that openapi-typescript generates from spec/*.yaml
// (into ./generated/, by .ci/contract-tools.sh). Compiled with `tsc -p tests/ts` (strict, noEmit):
// it proves that the documents give a second, independent generator types that a TypeScript
// caller can build requests and read responses with.
//
// Every `// @ts-expect-error TSxxxx: why` line marks a value the spec forbids. tsc fails if that
// line compiles (the directive is then unused), and .ci/contract-tools.sh additionally compiles a
// copy without the directives and checks that each marked line fails with exactly that code, so
// a directive cannot be satisfied by some unrelated error.

import type { components as W91, paths as W91Paths } from "./generated/whats91";
import type { components as Wacr, paths as WacrPaths } from "./generated/wacr";
import type { components as Kirim, paths as KirimPaths } from "./generated/kirim";

/** Compile-time equality of two types. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The JSON request body of an operation. */
type JsonBody<Op> = Op extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
/** The JSON body of one response status of an operation. */
type JsonResponse<Op, Status extends number> = Op extends { responses: { [S in Status]: { content: { "application/json": infer R } } } }
  ? R
  : never;

// ---------------------------------------------------------------------------------------------
// Whats91

type W91CreateBook = W91Paths["/api/v2/contact-books"]["post"];
type W91Bulk = W91Paths["/api/v2/contact-books/{bookUid}/contacts/bulk"]["post"];

export const w91CreateBody: JsonBody<W91CreateBook> = {
  name: "Retail Leads",
  description: "Retail campaign contacts",
  color: "#0f62fe",
};

export const w91BulkPath: W91Bulk["parameters"]["path"] = { bookUid: "grp_abc" };

export const w91BulkBody = {
  defaultCountryCode: "91",
  contacts: [
    {
      phone: "7000782082",
      displayName: "Asha Rao",
      firstName: "Asha",
      lastName: "Rao",
      email: "asha@example.com",
      companyName: "Acme",
      customFields: { city: "Mumbai", vip: true },
    },
    { phone: "7999999999" },
  ],
} satisfies JsonBody<W91Bulk>;

// 200, 201 and any other 2xx are declared with the same body.
export const w91SameSuccessBody: Equals<JsonResponse<W91CreateBook, 200>, JsonResponse<W91CreateBook, 201>> = true;
export const w91OtherSuccessBody: Equals<
  JsonResponse<W91Bulk, 200>,
  W91Bulk["responses"]["2XX"]["content"]["application/json"]
> = true;

export function w91BookLabel(res: JsonResponse<W91CreateBook, 201>): string {
  const book: W91["schemas"]["ContactBook"] = res.data.contactBook;
  const color: string | null | undefined = book.color; // optional and nullable
  return `${book.contactBookUid} ${book.name} ${color ?? "no colour"} ${res.metadata?.requestId ?? ""}`;
}

// Row status is an open enum: the documented values, and any other string the server sends.
// `results`, and each row's `status`, are shown in one example only, so they may be missing.
export function w91CountRows(res: JsonResponse<W91Bulk, 200>): Record<string, number> {
  const counts: Record<string, number> = { CREATED: 0, UPDATED: 0, SKIPPED: 0, INVALID: 0 };
  for (const row of res.data.results ?? []) {
    const status: string = row.status ?? "(none)";
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}
export const w91BareUpload: JsonResponse<W91Bulk, 200> = {
  success: true,
  data: { contactBook: { contactBookUid: "grp_abc", name: "Retail Leads" } },
};

// The error envelope is undocumented: the code may be nested, flat, the `error` string itself, or missing.
export function w91ErrorCode(res: JsonResponse<W91Bulk, 404>): string | undefined {
  return typeof res.error === "string" ? res.error : (res.error?.code ?? res.code);
}
export const w91StringError: JsonResponse<W91CreateBook, 401> = { success: false, error: "INVALID_AUTH_TOKEN" };
export const w91FlatError: JsonResponse<W91Bulk, 404> = {
  success: false,
  message: "Contact book not found",
  code: "CONTACT_BOOK_NOT_FOUND",
};
export const w91EmptyError: JsonResponse<W91CreateBook, 415> = {};
export const w91UnknownCode: W91["schemas"]["ErrorCode"] = "SUBSCRIPTION_SUSPENDED";
export const w91UnknownStatus: W91["schemas"]["BulkUploadRowStatus"] = "FAILED";
// No client-side format on bulk-row emails or the book colour: the server judges them.
export const w91LooseRow: JsonBody<W91Bulk>["contacts"][number] = { phone: "7999999999", email: "ravi at example dot com" };
export const w91ShortColour: JsonBody<W91CreateBook> = { name: "Retail Leads", color: "#0F6" };

// The provider's own response example, typed.
export const w91Created: JsonResponse<W91CreateBook, 200> = {
  success: true,
  message: "Contact book created",
  data: {
    contactBook: {
      contactBookUid: "grp_abc",
      uid: "grp_abc",
      name: "Retail Leads",
      description: "Retail campaign contacts",
      color: "#0f62fe",
      status: "ACTIVE",
      contactCount: 0,
    },
  },
  metadata: { apiVersion: "v2", requestId: "request-uuid" },
};

// @ts-expect-error TS2741: `name` is required in a create-contact-book body.
export const w91NoName: JsonBody<W91CreateBook> = { color: "#0f62fe" };
// @ts-expect-error TS2322: an open enum is still a string, not a number.
export const w91NumericStatus: W91["schemas"]["BulkUploadRowStatus"] = 3;
// @ts-expect-error TS2741: every bulk row needs a phone.
export const w91NoPhone: JsonBody<W91Bulk>["contacts"][number] = { email: "asha@example.com" };

// ---------------------------------------------------------------------------------------------
// WA.cr

type WacrCreate = WacrPaths["/contacts"]["post"];

export const wacrLead: JsonBody<WacrCreate> = {
  firstname: "New",
  lastname: "Test",
  type: "lead",
  email: "test12@gmail.com",
  phone: "+919587422363",
  source_id: 115,
  status_id: 287,
  country_id: 101,
  assigned_id: 15,
  groups: [12],
  zip: "360001",
  city: "Rajkot",
};

export const wacrSameSuccessBody: Equals<JsonResponse<WacrCreate, 200>, JsonResponse<WacrCreate, 201>> = true;

// The widget's `{}` is a documented success body, so `data` and `message` are optional.
export function wacrDescribe(res: JsonResponse<WacrCreate, 201>): string {
  const contact: Wacr["schemas"]["ContactResource"] | undefined = res.data;
  if (contact === undefined) return res.message ?? "created";
  const type: Wacr["schemas"]["ContactResourceType"] | undefined = contact.type;
  const email: string | null | undefined = contact.email;
  const groups = (contact.groups ?? []).map((g) => g.name ?? `#${g.id}`).join(", ");
  return `${contact.id} ${type ?? "?"} ${email ?? "-"} [${groups}] ${res.message ?? ""}`;
}
export const wacrWidget: JsonResponse<WacrCreate, 200> = {};
export const wacrOtherSuccessBody: Equals<
  JsonResponse<WacrCreate, 201>,
  WacrCreate["responses"]["2XX"]["content"]["application/json"]
> = true;
// A returned contact's type is open; the request's stays closed (see wacrVip below).
export const wacrVendor: Wacr["schemas"]["ContactResourceType"] = "vendor";

// ContactResource's fields are undocumented: the id may be a number, a string, or missing.
export const wacrStringIds: JsonResponse<WacrCreate, 201> = { data: { id: "c_5012", groups: [{ id: "g_12" }] } };
export const wacrNoId: JsonResponse<WacrCreate, 201> = { data: { firstname: "New", groups: null } };

// 403: feature limit (with usage details) or a scope failure (without); nested, flat or string `error`.
export function wacrLimit(res: JsonResponse<WacrCreate, 403>): string {
  const error = typeof res.error === "string" ? { code: res.error } : res.error;
  const details = (typeof res.error === "string" ? undefined : res.error?.details) ?? res.details;
  if (details === undefined) return `${error?.code ?? res.code ?? "forbidden"}: ${res.message ?? ""}`;
  return `${details.feature ?? "?"}: ${details.current ?? "?"}/${details.maximum ?? "?"}`;
}
export const wacrScopeFailure: JsonResponse<WacrCreate, 403> = {
  success: false,
  message: "This token lacks the contacts:write scope",
  error: { code: "INSUFFICIENT_SCOPE" },
};

export function wacrFieldErrors(res: JsonResponse<WacrCreate, 422>): string[] {
  return Object.keys((typeof res.error === "string" ? undefined : res.error?.details) ?? res.details ?? {});
}
export const wacrStringError: JsonResponse<WacrCreate, 422> = { success: false, error: "VALIDATION_ERROR" };
export const wacrFlatValidation: JsonResponse<WacrCreate, 422> = {
  success: false,
  code: "VALIDATION_ERROR",
  details: { phone: ["This phone number already exists"] },
};

// @ts-expect-error TS2322: "vip" is not a ContactType (lead, customer, guest).
export const wacrVip: JsonBody<WacrCreate> = { ...wacrLead, type: "vip" };
// @ts-expect-error TS2322: group ids are integers, not names.
export const wacrGroupNames: JsonBody<WacrCreate> = { ...wacrLead, groups: ["Newsletter"] };

// ---------------------------------------------------------------------------------------------
// Kirim

type KirimCreate = KirimPaths["/{phone_number_id}/contacts"]["post"];

export const kirimPath: KirimCreate["parameters"]["path"] = { phone_number_id: "106540352242922" };
export const kirimHeaders: NonNullable<KirimCreate["parameters"]["header"]> = {
  "Idempotency-Key": "5f1c8e7a-2b0d-4c47-9a39-0d6f3f2b8c11",
};

export const kirimContact: JsonBody<KirimCreate> = {
  phone_number: "+6281234567890",
  name: "Budi Santoso",
  email: null, // nullable: an explicit null is allowed
  metadata: { segment: "vip" },
};

// Only `id` and `object` are certain (the provider's own example has nothing else).
export function kirimEmail(res: JsonResponse<KirimCreate, 201>): string {
  const contact: Kirim["schemas"]["Contact"] = res.data;
  const email: string | null | undefined = contact.email; // optional and nullable
  return `${contact.id} ${email ?? "(no email)"} ${contact.whatsapp_account?.phone_number ?? "?"} ${res.request_id ?? ""}`;
}
export const kirimProviderExample: JsonResponse<KirimCreate, 200> = {
  data: { id: "ctc_01HXYZABCDEFGHJKMNPQRSTVWX", object: "contact" },
};

// The request id may sit inside `error` (the provider's example) or at the top level.
export function kirimError(res: JsonResponse<KirimCreate, 422>): string {
  return `${res.error.type}/${res.error.code}: ${res.error.message ?? "-"} (${res.error.request_id ?? res.request_id ?? "?"})`;
}
export const kirimProviderError: JsonResponse<KirimCreate, 429> = {
  error: { type: "invalid_request_error", code: "invalid_phone_number", request_id: "req_01HXYZABCDEFGHJKMNPQRSTVWX" },
};
// The six statuses are guesses: any other 4xx/5xx carries the same envelope.
export const kirimOtherFailure: KirimCreate["responses"]["4XX"]["content"]["application/json"] = kirimProviderError;
export const kirimSameEnvelope: Equals<
  KirimCreate["responses"]["5XX"]["content"]["application/json"],
  JsonResponse<KirimCreate, 500>
> = true;

export const kirimCreated: JsonResponse<KirimCreate, 201> = {
  data: {
    id: "ctc_01HXYZABCDEFGHJKMNPQRSTVWX",
    object: "contact",
    phone_number: "+6281234567890",
    name: "Budi Santoso",
    email: null,
    metadata: { segment: "vip" },
    whatsapp_account: { phone_number: "+6281100000000" },
    created_at: "2025-01-15T08:30:00Z",
    updated_at: "2025-01-15T08:30:00Z",
  },
  request_id: "req_01HXYZABCDEFGHJKMNPQRSTVWX",
};

// @ts-expect-error TS2741: `phone_number` is required in a create-contact body.
export const kirimNoPhone: JsonBody<KirimCreate> = { name: "Budi Santoso" };
// @ts-expect-error TS2741: a returned contact still needs its `id`.
export const kirimNoId: Kirim["schemas"]["Contact"] = { object: "contact" };
// @ts-expect-error TS2741: an error still needs its `code`.
export const kirimNoCode: Kirim["schemas"]["Error"] = { type: "invalid_request_error" };
