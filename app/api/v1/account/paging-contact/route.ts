import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { deletePagingContact, pagingContactOf, setPagingContact } from "@/server/oncall/paging-contact";

export const GET = apiRoute(OPERATIONS.getPagingContact, ({ actor }) => pagingContactOf(actor.userId));
export const POST = apiRoute(OPERATIONS.setPagingContact, ({ actor, body }) => setPagingContact(actor, body));
export const DELETE = apiRoute(OPERATIONS.deletePagingContact, ({ actor }) => deletePagingContact(actor));
