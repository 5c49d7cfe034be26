import '@/utils/zod-config';
import { createRoot } from 'react-dom/client';
import '@/components/styles.css';
import { ApprovePage } from './ApprovePage';

createRoot(document.getElementById('root')!).render(<ApprovePage />);
