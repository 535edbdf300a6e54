#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The package ships TypeScript sources; tsx registers a loader so the CLI runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
