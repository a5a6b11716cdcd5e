-- The store session a lease holder's process keeps: a holder whose session has ended died, and its leases may be taken before they expire.
ALTER TABLE "Lease" ADD COLUMN "holderPid" INTEGER;
