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
            "react-hooks/exhaustive-deps": "error",
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
            // the layout is Prettier's (npm run format); what it cannot wrap is a long string, template or regex
            "max-len": [
                "error",
                {
                    code: 120,
                    ignoreStrings: true,
                    ignoreTemplateLiterals: true,
                    ignoreRegExpLiterals: true,
                    ignoreUrls: true,
                },
            ],
        },
    },
    // imports go one way: pkg/lib knows nothing of src, the model folders nothing of src/ui
    {
        files: ["pkg/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            group: ["**/src/**", "**/src"],
                            message: "pkg/lib is the Cockpit adapter: it imports nothing from src/.",
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ["src/**/*.ts"],
        ignores: ["src/ui/**", "src/main.tsx", "src/boot.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            group: ["**/ui", "**/ui/**", "react", "react-dom", "react-dom/*", "@patternfly/*"],
                            message:
                                "The model folders take a Runner and return typed results: no src/ui, React or PatternFly.",
                        },
                    ],
                },
            ],
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
