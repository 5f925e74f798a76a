// ESLint for the web UI, run by `npm run check` (so by every build) beside vue-tsc, warnings failing it: ESLint's,
// eslint-plugin-vue's and typescript-eslint's recommended rules.
import js from '@eslint/js'
import globals from 'globals'
import pluginVue from 'eslint-plugin-vue'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'

export default defineConfigWithVueTs(
  { ignores: ['dist/**', 'src/graphql/generated.ts'] },
  js.configs.recommended,
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    // Layout, not correctness (the "strongly recommended" tier that flat/recommended includes): the templates keep a
    // table row, a form field or a button with its attributes on one line, which these rules would break up.
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-indent': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  { files: ['src/**'], languageOptions: { globals: globals.browser } },
  { files: ['scripts/**', 'vite.config.ts', 'eslint.config.js'], languageOptions: { globals: globals.node } },
)
