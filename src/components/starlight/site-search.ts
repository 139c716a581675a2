/**
 * The search dialog's behaviour, in place of Starlight's own script (Search.astro takes that
 * script's tag out of the page and loads this one). The markup, the modal, Ctrl/⌘+K and the
 * Pagefind settings are Starlight's; one thing differs: Pagefind's UI is built when a reader first
 * reaches for search (pointer over or focus on the button, or Ctrl/⌘+K), not at the first idle
 * moment of every page load. Building it is a task of 60–140 ms on a phone (Lighthouse's 4× CPU
 * slowdown), counted as blocking time on every page for a box most readers never open, and its
 * script and styles no longer compete with the page while it loads (issue #14).
 */
interface PagefindResult { url: string; sub_results: Array<{ url: string }> }

class SiteSearch extends HTMLElement {
  /** Pagefind's UI being loaded and built, once per page (reset if loading failed). */
  #ui: Promise<void> | null = null;
  #wired = false;

  connectedCallback(): void {
    if (this.#wired) return;
    this.#wired = true;
    const openButton = this.querySelector<HTMLButtonElement>('button[data-open-modal]')!;
    const closeButton = this.querySelector<HTMLButtonElement>('button[data-close-modal]')!;
    const dialog = this.querySelector('dialog')!;
    const frame = this.querySelector('.dialog-frame')!;

    // A click on a result link, or anywhere outside the dialog's frame, closes it.
    const onWindowClick = (event: MouseEvent) => {
      const target = event.target as Node | null;
      const onLink = target !== null && 'href' in target;
      if (onLink || (target !== null && document.body.contains(target) && !frame.contains(target))) dialog.close();
    };
    const open = (event?: Event) => {
      dialog.showModal();
      document.body.toggleAttribute('data-search-modal-open', true);
      event?.stopPropagation();
      window.addEventListener('click', onWindowClick);
      const input = this.querySelector('input');
      if (input !== null) input.focus();
      else void this.#loadUi().then(() => { if (dialog.open) this.querySelector('input')?.focus(); });
    };

    openButton.addEventListener('click', open);
    // Warm up while the reader is on the way to the button, so the box is there when they click.
    openButton.addEventListener('pointerenter', () => void this.#loadUi(), { once: true });
    openButton.addEventListener('focus', () => void this.#loadUi(), { once: true });
    closeButton.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      document.body.toggleAttribute('data-search-modal-open', false);
      window.removeEventListener('click', onWindowClick);
    });
    window.addEventListener('keydown', (event) => {
      if ((event.metaKey || event.ctrlKey) && event.key === 'k') {
        if (dialog.open) dialog.close();
        else open();
        event.preventDefault();
      }
    });
    openButton.disabled = false;
  }

  #loadUi(): Promise<void> {
    // `astro dev` has no Pagefind index; the dialog shows Starlight's note about that instead.
    if (import.meta.env.DEV) return Promise.resolve();
    this.#ui ??= this.#buildUi().catch(() => {
      // Offline or a failed chunk: the next open tries again.
      this.#ui = null;
    });
    return this.#ui;
  }

  async #buildUi(): Promise<void> {
    const [{ PagefindUI }, { pagefindUserConfig }] = await Promise.all([
      // @ts-expect-error — @pagefind/default-ui ships no type declarations.
      import('@pagefind/default-ui'),
      // Starlight's Vite plugin serves the site's Pagefind options (astro.config.mjs) as this module.
      // @ts-expect-error — a virtual module without type declarations.
      import('virtual:starlight/pagefind-config'),
    ]);
    let translations: Record<string, string> = {};
    try { translations = JSON.parse(this.dataset.translations ?? '{}'); } catch { /* Pagefind's English defaults */ }
    const stripTrailingSlash = this.dataset.stripTrailingSlash !== undefined;
    const formatUrl = (path: string) => (stripTrailingSlash ? path.replace(/(.)\/(#.*)?$/, '$1$2') : path);
    new PagefindUI({
      ...pagefindUserConfig,
      element: '#starlight__search',
      baseUrl: import.meta.env.BASE_URL,
      bundlePath: `${import.meta.env.BASE_URL.replace(/\/$/, '')}/pagefind/`,
      showImages: false,
      showSubResults: true,
      translations,
      processResult: (result: PagefindResult) => {
        result.url = formatUrl(result.url);
        result.sub_results = result.sub_results.map((sub) => ({ ...sub, url: formatUrl(sub.url) }));
      },
    });
  }
}

customElements.define('site-search', SiteSearch);
