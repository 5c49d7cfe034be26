import '@/utils/zod-config';
import { createRoot } from 'react-dom/client';
import '@/components/styles.css';
import { Popup } from './Popup';

createRoot(document.getElementById('root')!).render(<Popup />);
