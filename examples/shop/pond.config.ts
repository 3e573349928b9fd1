import { defineConfig } from 'pond';

export default defineConfig({
  name: 'shop',
  concurrency: 4,
  collect: {
    port: 8080,
    sources: {
      // The shop's app and devices. Real keys come from the environment; the fallbacks are for trying Pond out.
      shop_app: {
        writeKey: process.env.SHOP_APP_WRITE_KEY ?? 'shop-app-dev-key',
        streams: ['user_events', 'device_events', 'users'],
      },
      // The shop's website, instrumented with a Segment library pointed at Pond.
      website: {
        writeKey: process.env.WEBSITE_WRITE_KEY ?? 'website-dev-key',
        segment: 'web_events',
      },
    },
  },
});
