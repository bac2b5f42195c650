import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/data/**", "**/dist/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  { files: ["scripts/**"], rules: { "no-console": "off" } },
  // Pages served to the browser as they are (no build step).
  { files: ["carrier/public/**/*.js", "callcentre/public/**/*.js"], languageOptions: { globals: { ...globals.browser } } },
);
