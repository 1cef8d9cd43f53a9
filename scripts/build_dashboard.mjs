// The dashboard's build step (vercel.json buildCommand, `make dashboard`): copy the charting
// library installed from npm into public/dashboard/vendor/, which is served as static files and
// never committed (.gitignore). Fails loudly when the package is missing (run npm ci first).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "node_modules", "uplot", "dist");
const target = join(root, "public", "dashboard", "vendor");
const { version } = JSON.parse(readFileSync(join(root, "node_modules", "uplot", "package.json")));
mkdirSync(target, { recursive: true });
for (const name of ["uPlot.iife.min.js", "uPlot.min.css"]) {
  copyFileSync(join(dist, name), join(target, name));
}
console.log(`dashboard: uPlot ${version} copied to public/dashboard/vendor/`);
