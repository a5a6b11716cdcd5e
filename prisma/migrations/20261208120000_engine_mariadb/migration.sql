-- MariaDB with GTID replication, behind its own agent adapter and command executor (agents/mariadb).
ALTER TYPE "Engine" ADD VALUE 'mariadb';
