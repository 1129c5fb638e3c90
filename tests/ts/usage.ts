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

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

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

// 200 and 201 are documented with the same body.
export const w91SameSuccessBody: Equals<JsonResponse<W91CreateBook, 200>, JsonResponse<W91CreateBook, 201>> = true;

export function w91BookLabel(res: JsonResponse<W91CreateBook, 201>): string {
  const book: W91["schemas"]["ContactBook"] = res.data.contactBook;
  const color: string | null | undefined = book.color; // optional and nullable
  return `${book.contactBookUid} ${book.name} ${color ?? "no colour"} ${res.metadata?.requestId ?? ""}`;
}

export function w91CountRows(res: JsonResponse<W91Bulk, 200>): Record<W91["schemas"]["BulkUploadRowStatus"], number> {
  const counts = { CREATED: 0, UPDATED: 0, SKIPPED: 0, INVALID: 0 };
  for (const row of res.data.results) {
    switch (row.status) {
      case "CREATED":
      case "UPDATED":
        counts[row.status] += row.contact ? 1 : 0;
        break;
      case "SKIPPED":
      case "INVALID":
        counts[row.status] += 1;
        break;
      default:
        assertNever(row.status);
    }
  }
  return counts;
}

export function w91ErrorCode(res: JsonResponse<W91Bulk, 404>): W91["schemas"]["ErrorCode"] {
  return res.error.code;
}

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
// @ts-expect-error TS2322: a bulk row status outside the enum.
export const w91BadStatus: W91["schemas"]["BulkUploadRowStatus"] = "FAILED";

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

export function wacrDescribe(res: JsonResponse<WacrCreate, 201>): string {
  const contact: Wacr["schemas"]["ContactResource"] = res.data;
  const type: Wacr["schemas"]["ContactType"] | undefined = contact.type;
  const email: string | null | undefined = contact.email;
  const groups = (contact.groups ?? []).map((g) => g.name ?? `#${g.id}`).join(", ");
  return `${contact.id} ${type ?? "?"} ${email ?? "-"} [${groups}] ${res.message}`;
}

export function wacrLimit(res: JsonResponse<WacrCreate, 403>): string {
  const { feature, current, maximum } = res.error.details;
  return `${feature}: ${current}/${maximum}`;
}

export function wacrFieldErrors(res: JsonResponse<WacrCreate, 422>): string[] {
  return Object.keys(res.error.details ?? {});
}

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

export function kirimEmail(res: JsonResponse<KirimCreate, 201>): string {
  const contact: Kirim["schemas"]["Contact"] = res.data;
  const email: string | null = contact.email; // required but nullable
  return `${contact.id} ${email ?? "(no email)"} ${contact.whatsapp_account.phone_number ?? "?"} ${res.request_id}`;
}

export function kirimError(res: JsonResponse<KirimCreate, 422>): string {
  return `${res.error.type}/${res.error.code}: ${res.error.message} (${res.request_id})`;
}

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
// @ts-expect-error TS2322: `email` is required (though nullable) in a returned contact; undefined is not null.
export const kirimUndefinedEmail: Kirim["schemas"]["Contact"] = { ...kirimCreated.data, email: undefined };
