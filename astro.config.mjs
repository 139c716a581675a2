// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import react from '@astrojs/react';
import contentSecurityPolicy from './src/build/content-security-policy.mjs';
import reactIslandIds from './src/build/react-island-ids.mjs';
import rehypeFocusableTables from './src/components/starlight/rehype-focusable-tables.mjs';

export default defineConfig({
  site: 'https://mqtt-lab.example',
  // Wide Markdown tables scroll on phones: make them reachable by keyboard (see the plugin).
  markdown: { rehypePlugins: [rehypeFocusableTables] },
  // The decoder's workers start as modules ({ type: 'module' }); as ES modules they may use what
  // the widgets' shared code does, such as the catalogue's top-level await (catalogue.ts).
  vite: { worker: { format: 'es' } },
  integrations: [
    starlight({
      title: { en: 'MQTT Lab', 'zh-CN': 'MQTT 实验室' },
      description: 'Learn MQTT 3.1.1 and 5.0 by looking inside real packets.',
      defaultLocale: 'root',
      locales: {
        root: { label: 'English', lang: 'en' },
        'zh-cn': { label: '简体中文', lang: 'zh-CN' },
      },
      markdown: { processedDirs: ['./content/docs'] },
      // Accessibility and search fixes to Starlight's own chrome, each a thin wrapper around
      // Starlight's component (see the files for what each fixes and why).
      components: {
        Search: './src/components/starlight/Search.astro',
        PageTitle: './src/components/starlight/PageTitle.astro',
        Hero: './src/components/starlight/Hero.astro',
      },
      // Code wraps instead of scrolling sideways: on a phone several terminal blocks would each become an
      // unnamed scrolling region (axe landmark-unique) and the reader would scroll each one.
      expressiveCode: { defaultProps: { wrap: true } },
      customCss: ['./src/styles/content.css', './src/styles/widgets.css', './src/styles/packet-widgets.css', './src/styles/packet-parts.css'],
      // An ordered course, written out: autogenerate finds nothing in a glob-loaded folder.
      sidebar: [
        {
          label: 'Course',
          translations: { 'zh-CN': '课程' },
          items: [
            { slug: 'guides/what-is-mqtt', translations: { 'zh-CN': 'MQTT 是什么，物联网为什么用它' } },
            { slug: 'guides/publish-subscribe', translations: { 'zh-CN': '发布/订阅与解耦' } },
            { slug: 'guides/topics', translations: { 'zh-CN': '主题与通配符' } },
            { slug: 'guides/packet-anatomy', translations: { 'zh-CN': 'MQTT 报文的结构' } },
            { slug: 'guides/remaining-length', translations: { 'zh-CN': '剩余长度' } },
            { slug: 'guides/connecting', translations: { 'zh-CN': '建立连接' } },
            { slug: 'guides/qos', translations: { 'zh-CN': '服务质量（QoS）' } },
            { slug: 'guides/sessions', translations: { 'zh-CN': '会话与 cleanSession' } },
            { slug: 'guides/retained-messages', translations: { 'zh-CN': '保留消息' } },
            { slug: 'guides/last-will', translations: { 'zh-CN': '遗嘱消息' } },
            { slug: 'guides/keepalive', translations: { 'zh-CN': '心跳（Keepalive）' } },
            { slug: 'guides/client-ids', translations: { 'zh-CN': '客户端标识符' } },
            { slug: 'guides/mqtt-5', translations: { 'zh-CN': 'MQTT 5 带来了什么' } },
            { slug: 'guides/brokers-and-tools', translations: { 'zh-CN': 'Broker 与工具' } },
            { slug: 'guides/misconceptions', translations: { 'zh-CN': '常见误区辨正' } },
            { slug: 'guides/troubleshooting', translations: { 'zh-CN': '生产环境故障排查' } },
            { slug: 'glossary', translations: { 'zh-CN': '术语表' } },
          ],
        },
        {
          // Generated from the codec at build time (src/components/reference); custom pages, so links.
          label: 'Packet reference',
          translations: { 'zh-CN': '报文参考' },
          collapsed: true,
          items: [
            { label: 'All packets', link: '/reference/', translations: { 'zh-CN': '全部报文' } },
            { label: 'CONNECT', link: '/reference/connect/' },
            { label: 'CONNACK', link: '/reference/connack/' },
            { label: 'PUBLISH', link: '/reference/publish/' },
            { label: 'PUBACK', link: '/reference/puback/' },
            { label: 'PUBREC', link: '/reference/pubrec/' },
            { label: 'PUBREL', link: '/reference/pubrel/' },
            { label: 'PUBCOMP', link: '/reference/pubcomp/' },
            { label: 'SUBSCRIBE', link: '/reference/subscribe/' },
            { label: 'SUBACK', link: '/reference/suback/' },
            { label: 'UNSUBSCRIBE', link: '/reference/unsubscribe/' },
            { label: 'UNSUBACK', link: '/reference/unsuback/' },
            { label: 'PINGREQ', link: '/reference/pingreq/' },
            { label: 'PINGRESP', link: '/reference/pingresp/' },
            { label: 'DISCONNECT', link: '/reference/disconnect/' },
            { label: 'AUTH', link: '/reference/auth/' },
          ],
        },
        {
          label: 'Tools',
          translations: { 'zh-CN': '工具' },
          items: [
            { slug: 'tools/hex-decoder', label: 'Hex decoder', translations: { 'zh-CN': '十六进制解码器' } },
            { slug: 'tools/packet-builder', label: 'Packet builder', translations: { 'zh-CN': '报文构建器' } },
            { slug: 'tools/decode', label: 'Quick decode', translations: { 'zh-CN': '快速解码' } },
            { slug: 'tools/topic-playground', translations: { 'zh-CN': '主题过滤器演练场' } },
            { slug: 'tools/qos-animator', translations: { 'zh-CN': 'QoS 握手动画' } },
            { slug: 'tools/broker-lab', translations: { 'zh-CN': 'Broker 实验室' } },
            { slug: 'tools/embedding', label: 'For trainers: embedding', translations: { 'zh-CN': '培训讲师：嵌入工具' } },
          ],
        },
      ],
    }),
    // renderToString, not React's streaming renderer: a static page wants every island's HTML in
    // place. The streaming renderer sends a Suspense boundary after the first 12.8 kB of an island
    // and moves it into place with an inline script, so a widget's later parts appeared late
    // (its parts are Suspense boundaries so they hydrate in short slices: hydrate-in-slices.tsx).
    react({ experimentalDisableStreaming: true }),
    // renderToString then drops the island's useId prefix: this puts it back (see the file).
    reactIslandIds(),
    // Last: it rewrites the finished HTML, hashing every inline script the page holds.
    contentSecurityPolicy(),
  ],
});
