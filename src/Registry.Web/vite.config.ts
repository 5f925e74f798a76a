import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Built by Registry.Server's build (see Registry.Server.csproj) into dist/, which is copied beside the server binary.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    reportCompressedSize: true,
  },
  server: {
    // `npm exec vite` for UI work: API calls go to a registry running on the usual port.
    proxy: { '/api': 'http://localhost:5000', '/users/sign_in': 'http://localhost:5000', '/users/sign_out': 'http://localhost:5000' },
  },
})
