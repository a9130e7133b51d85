#!/usr/bin/env node
import { exitQuietlyOnClosedPipe } from '../dist/closed-pipe.js';
import { main } from '../dist/main.js';

exitQuietlyOnClosedPipe();
process.exitCode = await main(process.argv);
