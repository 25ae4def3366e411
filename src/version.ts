// The package version, read once from package.json (recorded in every manifest), and the folder
// that holds package.json (src/ and dist/ both sit one level below it).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT: string = fileURLToPath(new URL("..", import.meta.url));

export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
