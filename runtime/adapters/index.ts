import type { AdapterRegistry } from './contract.js';
import { exchangeSource } from './exchange/exchangeSource.js';
import { fileSink } from './file/fileSink.js';
import { fileSource } from './file/fileSource.js';
import { memorySink, memorySource } from './memory.js';
import { redisStreamSink, redisStreamSource } from './redisStream.js';
import { exchangeBroker } from './broker/exchangeBrokerAdapter.js';
import { exchangePortfolio } from './broker/exchangePortfolioAdapter.js';

/** Every adapter hean knows, listed explicitly like the node kinds. */
export const defaultAdapters: AdapterRegistry = {
  sources: [fileSource, redisStreamSource, exchangeSource, memorySource],
  sinks: [fileSink, redisStreamSink, memorySink],
  brokers: [exchangeBroker, exchangePortfolio],
};
