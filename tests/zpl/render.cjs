// Renders ZPL from standard input to PNG on standard output, as a Zebra printer would print it.
// node render.cjs WIDTH_MM HEIGHT_MM DOTS_PER_MM < label.zpl > label.png
const fs = require("node:fs");
const { ready } = require("zpl-renderer-js");

(async () => {
  const zpl = fs.readFileSync(0, "utf8");
  const [width, height, dotsPerMm] = process.argv.slice(2).map(Number);
  const { api } = await ready;
  const png = await api.zplToBase64Async(zpl, width, height, dotsPerMm);
  process.stdout.write(Buffer.from(png, "base64"));
  process.exit(0);
})().catch((error) => {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
});
