import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL's fragment (`#/accounts`): nothing of it reaches the server. */
export const pages = [
  { id: 'overview', title: 'Overview' },
  { id: 'accounts', title: 'Accounts' },
  { id: 'keys', title: 'Keys' },
  { id: 'sessions', title: 'Sessions' },
] as const;

export type PageId = (typeof pages)[number]['id'];

function pageOf(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '');
  return pages.find((page) => page.id === id)?.id ?? 'overview';
}

/** The page the fragment names (Overview by default), following changes. */
export function useHashPage(): PageId {
  const [page, setPage] = useState<PageId>(() => pageOf(location.hash));
  useEffect(() => {
    const onChange = () => setPage(pageOf(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return page;
}
