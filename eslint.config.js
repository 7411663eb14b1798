// ESLint for the whole tree: typescript-eslint with type information where it catches real bugs (promises that
// nobody awaits, promises passed where a void callback is expected, `any` leaking into typed code) and
// eslint-plugin-svelte for components. Formatting is Prettier's job (eslint-config-prettier is not needed: no
// stylistic rules are enabled here).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const STATE_CLASS = 'Load and change data through a state class in src/lib/state (Query or a feature class).';
const DERIVED_SIDE_EFFECT =
	'Create it once while the component initialises (a Query re-runs when what it reads changes).';
const OPENS = '/^(Query|CollabRoom|WebSocket|WebsocketProvider|EventSource)$/';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'bench/.out/', 'data/', 'tests/fixtures/agreement/*.py'] },
	js.configs.recommended,
	...ts.configs.recommendedTypeChecked,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname
			}
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } }
	},
	{
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			// Exhaustive-switch and literal-union code narrows to `never`; template literals of numbers are fine.
			'@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }]
		}
	},
	{
		// Components and pages show and change data through state classes in src/lib/state (a Query, or a feature
		// class with methods); only those talk to the API client, the network or a socket.
		files: ['src/lib/components/**', 'src/routes/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{ name: '$lib/state/api', importNames: ['api'], message: STATE_CLASS },
						{ name: '$lib/state/resource.svelte', message: 'Use Query from $lib/state/query.svelte.' }
					]
				}
			],
			'no-restricted-globals': [
				'error',
				{ name: 'fetch', message: STATE_CLASS },
				{ name: 'WebSocket', message: STATE_CLASS },
				{ name: 'EventSource', message: STATE_CLASS }
			]
		}
	},
	{
		// A `$derived` is a value: constructing something that loads or connects inside one starts a request or
		// socket as a side effect of reading it, and nothing closes the previous one.
		files: ['src/**/*.svelte', 'src/**/*.svelte.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: `CallExpression[callee.name='$derived'] NewExpression[callee.name=${OPENS}]`,
					message: DERIVED_SIDE_EFFECT
				},
				{
					selector: `CallExpression[callee.object.name='$derived'] NewExpression[callee.name=${OPENS}]`,
					message: DERIVED_SIDE_EFFECT
				}
			]
		}
	},
	{
		// One data layer for SQLite and PostgreSQL (server/db/client.ts): queries are awaited builders, raw SQL goes
		// through rows/row/exec, transactions through tx(). The SQLite-only terminal methods and a driver's own
		// transaction() would work on SQLite and break on PostgreSQL (or break SQLite's transaction isolation).
		files: ['server/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
		ignores: ['server/db/client.ts', 'tests/e2e/**'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: 'CallExpression[arguments.length=0][callee.property.name=/^(all|get|run)$/]',
					message: 'SQLite-only: await the query builder (first() for one row); raw SQL goes through rows/row/exec.'
				},
				{
					selector: "CallExpression[callee.property.name='transaction']",
					message: 'Use tx() from server/db/client: it isolates SQLite transactions and joins open ones.'
				},
				{
					selector:
						"CallExpression[callee.property.name=/^(all|get|run|values)$/] > TaggedTemplateExpression[tag.name='sql']",
					message: 'Raw SQL goes through rows/row/exec from server/db/client (one path for both dialects).'
				}
			]
		}
	},
	{
		// Tests read untyped JSON answers (`await res.json()`) and assert on them field by field; the assertion is
		// the type check there. Promise rules stay on: a floating promise in a test is a test that cannot fail.
		files: ['tests/**', 'bench/**'],
		rules: {
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
			'@typescript-eslint/no-explicit-any': 'off'
		}
	},
	{
		files: ['**/*.js', '**/*.cjs'],
		...ts.configs.disableTypeChecked
	}
);
