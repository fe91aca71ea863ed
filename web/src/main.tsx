import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.tsx';
import { createApiClient } from './api/api-client.ts';
import { createTokenStore } from './api/api-token.ts';
import { App } from './app.tsx';
import './styles.css';

const token = createTokenStore(sessionStorageOrNull());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider client={createApiClient('', token)} token={token}>
      <App />
    </ApiProvider>
  </StrictMode>,
);

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
