import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"

// Served by apps/api under /app/payload-tracker (the existing UI's URLs), so every asset URL carries that base.
export default defineConfig({
  base: "/app/payload-tracker/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    // `vite dev` proxies the API to a tracker started separately (./pt start; PUBLICPORT defaults to 8080).
    proxy: { "/app/payload-tracker/api": process.env.PT_API_URL ?? "http://localhost:8080" },
  },
})
