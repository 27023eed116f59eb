// Lint config: strict typed rules on our TypeScript; build output and vendored trees are ignored.
import tseslint from 'typescript-eslint';

/**
 * "Never defer a request": Node clamps setTimeout(f, 0) to 1 ms, which caps a request loop near
 * 1,000 per second (modbus-serial's ServerTCP shows it). A timer with no delay is the same timer.
 */
const zeroDelayTimer = [
  {
    selector: "CallExpression[callee.name='setTimeout'][arguments.length<2]",
    message: 'setTimeout without a delay is a 1 ms timer: answer in this turn, or say why in a disable comment.',
  },
  {
    selector: "CallExpression[callee.name='setTimeout'] > Literal.arguments:nth-child(2)[value=0]",
    message: 'setTimeout(..., 0) is a 1 ms timer: answer in this turn, or say why in a disable comment.',
  },
];

/** The server answers what it can in the turn the request arrives; deferring it costs a whole loop turn per request. */
const deferral = [
  ...zeroDelayTimer,
  { selector: "CallExpression[callee.name='setImmediate']", message: 'The server does not defer requests with setImmediate; say why in a disable comment if it must.' },
  { selector: "CallExpression[callee.name='queueMicrotask']", message: 'The server does not defer requests with queueMicrotask; say why in a disable comment if it must.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.node-red/**', 'coverage/**', 'test-artifacts/**', 'scripts/**', 'nodes/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['src/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...zeroDelayTimer] } },
  // The listening side of the transport reads the server's requests: it answers in the same turn too.
  { files: ['src/server/**/*.ts', 'src/transport/listen/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...deferral] } },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      // The engines stand side by side on the transport: what both need (serial settings, backoff) lives there.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/client', '**/client/**'], message: 'The server does not import from src/client; shared types live in src/transport.' }] }],
    },
  },
  {
    files: ['src/transport/**/*.ts', 'src/codec/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/client', '**/client/**', '**/server', '**/server/**', '**/nodes/**', '**/cli/**'], message: 'Layers import one way: codec <- transport <- client/server <- nodes.' }] }],
    },
  },
);
