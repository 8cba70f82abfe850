// '@tender/db/testing': helpers for tests that need a real database.
export { insertCircuit, insertProver, insertRequester, randomHex } from './fixtures.ts';
export {
  createTestDatabase,
  TEST_DATABASE_PREFIX,
  TEST_POSTGRES_ADMIN_URL,
  type TestDatabase,
  type TestDatabaseOptions,
} from './testDatabase.ts';
