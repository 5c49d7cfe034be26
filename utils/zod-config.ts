import { z } from 'zod';

// Extension pages and the worker forbid eval; zod would otherwise probe `new Function` at first use
// and leave a CSP violation in the console.
z.config({ jitless: true });
