/**
 * The frame of every page: the navigation (with every stream and dataset and
 * its health) and the page the route names. When the API asks for a token,
 * a form takes one and keeps it for the browser session.
 */
import { useEffect, useState } from 'react';
import { ApiError, setToken, token } from './api.ts';
import { Badge } from './components/status.tsx';
import { DatasetPage } from './pages/dataset.tsx';
import { GridPage } from './pages/grid.tsx';
import { Lineage } from './pages/lineage.tsx';
import { Overview } from './pages/overview.tsx';
import { PrivacyPage } from './pages/privacy.tsx';
import { RunPage, RunsPage } from './pages/runs.tsx';
import { SqlPage } from './pages/sql.tsx';
import { StreamPage, StreamsPage } from './pages/streams.tsx';
import { href, useRoute } from './router.ts';
import type { DatasetList, ProjectStatus, StreamList } from './types.ts';
import { time } from './format.ts';
import { useApi } from './use-api.ts';

export function App() {
  // A new token: everything is read again with it.
  const [tokenVersion, setTokenVersion] = useState(0);
  useEffect(() => {
    const onToken = () => setTokenVersion((v) => v + 1);
    window.addEventListener('pond-token', onToken);
    return () => window.removeEventListener('pond-token', onToken);
  }, []);
  return <Shell key={tokenVersion} />;
}

function Shell() {
  const route = useRoute();
  const datasets = useApi<DatasetList>('datasets', 10_000);
  const streams = useApi<StreamList>('streams', 30_000);
  const project = useApi<ProjectStatus>('project', 5000);
  const needsToken = datasets.error instanceof ApiError && datasets.error.status === 401;
  const [section, a] = route.parts;

  let page;
  if (needsToken) page = <TokenForm />;
  else if (!section) page = <Overview />;
  else if (section === 'lineage') page = <Lineage />;
  else if (section === 'grid') page = <GridPage />;
  else if (section === 'datasets' && a) page = <DatasetPage key={a} name={a} />;
  else if (section === 'runs' && a) page = <RunPage key={a} id={a} />;
  else if (section === 'runs') page = <RunsPage />;
  else if (section === 'streams' && a) page = <StreamPage key={a} name={a} />;
  else if (section === 'streams') page = <StreamsPage />;
  else if (section === 'sql') page = <SqlPage />;
  else if (section === 'privacy') page = <PrivacyPage />;
  else page = <NotFound />;

  const link = (to: string, label: string, active: boolean) => (
    <a href={to} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="main">
        <a className="brand" href="#/">
          <svg viewBox="0 0 16 16" width="22" height="22" aria-hidden="true">
            <ellipse cx="8" cy="10" rx="7" ry="4" fill="#5aa5ef" />
            <ellipse cx="8" cy="9" rx="4" ry="1.6" fill="#b9dcff" />
          </svg>
          Pond
        </a>
        {link('#/', 'Overview', !section)}
        {link('#/lineage', 'Lineage', section === 'lineage')}
        {link('#/grid', 'Grid', section === 'grid')}
        {link('#/runs', 'Runs', section === 'runs')}
        {link('#/streams', 'Streams', section === 'streams')}
        {link('#/sql', 'SQL', section === 'sql')}
        {link('#/privacy', 'Privacy', section === 'privacy')}
        <div className="nav-heading">Streams</div>
        {streams.data?.streams.map((s) => (
          <a key={s.name} href={href('datasets', s.name)} className={section === 'datasets' && a === s.name ? 'active sub' : 'sub'}>
            {s.name}
          </a>
        ))}
        <div className="nav-heading">Datasets</div>
        {datasets.data?.datasets.map((d) => (
          <a key={d.name} href={href('datasets', d.name)} className={section === 'datasets' && a === d.name ? 'active sub' : 'sub'}>
            <span>{d.name}</span>
            {d.health !== 'ok' && <Badge value={d.health} />}
          </a>
        ))}
        {token() && (
          <button type="button" className="link sign-out" onClick={() => setToken(null)}>
            Forget token
          </button>
        )}
      </nav>
      <main>
        {!needsToken && project.data?.error && <ProjectBanner status={project.data} />}
        {page}
      </main>
    </div>
  );
}

/**
 * On every page while the project's files hold a change that does not load
 * (`pond up` keeps running the last project that did): what is wrong, where,
 * and what to do. `GET /api/project` is read every few seconds, so the banner
 * goes as soon as a fix loads.
 */
function ProjectBanner({ status }: { status: ProjectStatus }) {
  const error = status.error;
  if (!error) return null;
  return (
    <div className="project-banner" role="alert" aria-label="project error">
      <strong>A change to the project does not load: Pond keeps running the last project that did.</strong>
      <pre className="error-message">{error.message}</pre>
      {error.where && (
        <div>
          in <code>{error.where}</code>
        </div>
      )}
      {error.hint && <div className="hint">{error.hint}</div>}
      <div className="muted">
        Tried at {time(error.at)}; running {status.name} as loaded at {time(status.loadedAt)}. Fix the file and save it: this goes away once the change loads.
      </div>
    </div>
  );
}

function TokenForm() {
  const [value, setValue] = useState('');
  return (
    <div className="page">
      <h1>Token needed</h1>
      <p>
        This server asks for a bearer token (one of <code>api.tokens</code> in the project's config, or <code>POND_API_TOKEN</code>). The token stays in this
        browser tab only.
      </p>
      <form
        className="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          setToken(value.trim());
        }}
      >
        <input type="password" aria-label="token" value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
        <button type="submit" className="primary" disabled={value.trim() === ''}>
          Use token
        </button>
      </form>
    </div>
  );
}

function NotFound() {
  return (
    <div className="page">
      <h1>No such page</h1>
      <p>
        <a href="#/">Back to the overview</a>
      </p>
    </div>
  );
}
