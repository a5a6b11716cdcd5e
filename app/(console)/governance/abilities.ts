/** What the signed-in person may do on the governance pages (the API checks again). */
export interface GovernanceAbilities {
  propose: boolean;
  approve: boolean;
  emergency: boolean;
  userId: string;
  email: string;
}
