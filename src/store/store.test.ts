import { postgresTarget, sqliteTarget } from '../../test/support/service-targets.ts';
import { storeConformance } from '../../test/conformance/store/store-conformance.ts';

storeConformance('store on SQLite', sqliteTarget());
storeConformance('store on PostgreSQL', await postgresTarget());
