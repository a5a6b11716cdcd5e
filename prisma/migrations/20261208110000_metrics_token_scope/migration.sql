-- A token scope that admits scraping the control plane's metrics and nothing else.
ALTER TYPE "TokenScope" ADD VALUE 'metrics';
