import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.tsx';
import { createApiClient } from './api/api-client.ts';
import { App } from './app.tsx';
import { ImagesProvider } from './ui/cover-image.tsx';
import { createImageAvailability } from './ui/image-availability.ts';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider client={createApiClient()}>
      <ImagesProvider value={createImageAvailability(document)}>
        <App />
      </ImagesProvider>
    </ApiProvider>
  </StrictMode>,
);
