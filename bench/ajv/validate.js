// Validates NDJSON orders with ajv: the schema a Node shop would write for spec/order.md.
const fs = require("fs");
const readline = require("readline");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

const id = { type: "string", pattern: "^[-0-9a-zA-Z.]{1,36}$" };
const text = { type: "string", maxLength: 255 };
const dateTime = { type: "string", format: "date-time", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,4})?Z$" };
const phone = { type: "string", pattern: "^\\+[0-9]{1,15}$" };
const schema = {
  type: "object",
  required: ["coId", "coAccessId", "operation", "orderDateTime", "requestedDateTime", "products", "customerDetails"],
  properties: {
    coId: id, coAccessId: id, operation: { enum: ["ACTIVATE"] },
    orderDateTime: dateTime, requestedDateTime: dateTime,
    products: { type: "array", minItems: 1, maxItems: 1, items: {
      type: "object", required: ["productId", "offeringId"],
      properties: { productId: id, offeringId: id } } },
    customerDetails: { type: "object", properties: {
      identifiedCustomer: { type: "boolean" },
      personalIdentityNumber: { type: "string", pattern: "^\\d{8}-\\d{4}$" },
      customerFirstname: text, customerLastName: text, customerEmail: text,
      customerPhone: phone, customerMobilePhone: phone,
      invoiceDetails: { type: "object", properties: {
        streetName: text, streetNumber: text, streetLittera: text, city: text,
        postalCode: { type: "string", pattern: "^[1-9][0-9]{4}$" } } } } },
  },
};
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const lines = readline.createInterface({ input: fs.createReadStream(process.argv[2]) });
let index = 0;
const out = [];
lines.on("line", (line) => {
  if (!line.trim()) return;
  let valid = false;
  let errors = [];
  try { valid = validate(JSON.parse(line)); errors = validate.errors || []; } catch (e) { errors = [{ message: String(e) }]; }
  out.push(JSON.stringify({ index: index++, valid, errors }));
  if (out.length >= 1000) { process.stdout.write(out.join("\n") + "\n"); out.length = 0; }
});
lines.on("close", () => { if (out.length) process.stdout.write(out.join("\n") + "\n"); });
