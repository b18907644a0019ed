// The prometheus.scrape tests of scrape-component.test.ts again, scraping in process
// (INGOT_SCRAPE_WORKERS=0, read when a component is built) instead of in scrape workers.
process.env.INGOT_SCRAPE_WORKERS = "0";
await import("./scrape-component.test.js");
