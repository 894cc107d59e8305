/**
 * The worker's entry (`main` in wrangler.toml).
 * @module
 */
import { app } from "./app.ts";

export default app;
