// eslint (flat config): TypeScript and React hooks rules over the sources, tests, scripts and benches.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", ".cache/", "test-results/", "playwright-report/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["src/**/*.{ts,tsx}", "pkg/**/*.ts"],
        plugins: { "react-hooks": reactHooks },
        rules: {
            "react-hooks/rules-of-hooks": "error",
            "react-hooks/exhaustive-deps": "warn",
        },
    },
    {
        files: ["**/*.{ts,tsx,mjs}"],
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
            ],
            "@typescript-eslint/no-explicit-any": "error",
            "no-control-regex": "off", // control characters are what the validators look for
        },
    },
    {
        files: ["scripts/**/*.mjs", "bench/**/*.mjs", "*.mjs"],
        languageOptions: {
            globals: {
                process: "readonly",
                console: "readonly",
                URL: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                setInterval: "readonly",
                clearInterval: "readonly",
                performance: "readonly",
                WebSocket: "readonly",
                fetch: "readonly",
                Buffer: "readonly",
            },
        },
    },
);
