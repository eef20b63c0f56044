// French and English for the field app. Keys are the English text; the language is the one
// Django rendered in <html lang>, unless the worker chose another in the settings.

const FR = {
  // Screens and navigation
  Screens: "Écrans",
  Session: "Session",
  "New contact": "Nouveau contact",
  Recent: "Récents",
  Directory: "Annuaire",
  Sync: "Synchro",
  Online: "En ligne",
  Offline: "Hors ligne",
  Hide: "Masquer",
  "Hide the screen and lock": "Masquer l'écran et verrouiller",
  "A new version is ready. Your queued records are kept.":
    "Une nouvelle version est prête. Les fiches en attente sont conservées.",
  "Update now": "Mettre à jour",
  // Sign-in, PIN, lock
  "Sign in": "Se connecter",
  "Sign in again": "Se reconnecter",
  "Sign in once with a connection. Afterwards the app works offline, behind your PIN.":
    "Connectez-vous une fois avec du réseau. Ensuite l'application fonctionne hors ligne, protégée par votre code.",
  Username: "Identifiant",
  Password: "Mot de passe",
  "My phone": "Mon téléphone",
  "Name of this phone": "Nom de ce téléphone",
  "Shown to your coordinator, who can disconnect it if it is lost.":
    "Visible par votre chef de service, qui peut le déconnecter en cas de perte.",
  "No network: the first sign-in needs a connection.":
    "Pas de réseau : la première connexion en a besoin.",
  "Too many attempts. Wait a few minutes and try again.":
    "Trop de tentatives. Attendez quelques minutes avant de réessayer.",
  "Sign-in refused: check your username and password.":
    "Connexion refusée : vérifiez votre identifiant et votre mot de passe.",
  "Choose a PIN": "Choisissez un code",
  "The PIN encrypts everything stored on this phone. It is never sent anywhere and cannot be recovered.":
    "Le code chiffre tout ce qui est stocké sur ce téléphone. Il n'est jamais envoyé et ne peut pas être récupéré.",
  "PIN (at least 6 digits)": "Code (au moins 6 chiffres)",
  "PIN again": "Code, à nouveau",
  "Set the PIN": "Enregistrer le code",
  "The PIN needs at least {n} digits.": "Le code doit compter au moins {n} chiffres.",
  "The two PINs differ.": "Les deux codes diffèrent.",
  "PIN set. The app is ready.": "Code enregistré. L'application est prête.",
  Locked: "Verrouillé",
  PIN: "Code",
  Unlock: "Déverrouiller",
  "Wrong PIN.": "Code incorrect.",
  "Too many wrong PINs. Wait {n} seconds.": "Trop de codes incorrects. Attendez {n} secondes.",
  "Forgot the PIN": "Code oublié",
  "Forget this device? Records not yet sent will be lost.":
    "Oublier cet appareil ? Les fiches non envoyées seront perdues.",
  "Local data erased": "Données locales effacées",
  "This phone was disconnected by your coordinator. Its local data has been erased.":
    "Ce téléphone a été déconnecté par votre chef de service. Ses données locales ont été effacées.",
  "This phone's local data has been erased.": "Les données locales de ce téléphone ont été effacées.",
  // Sessions
  "Start a session": "Démarrer une session",
  "Planned sessions": "Sessions prévues",
  "No planned session for your team.": "Aucune session prévue pour votre équipe.",
  "Ad hoc session": "Session imprévue",
  "Start a street session": "Démarrer une maraude de rue",
  "Start a digital session": "Démarrer une maraude numérique",
  Start: "Démarrer",
  "Session started.": "Session démarrée.",
  "Started at {time}": "Démarrée à {time}",
  "{n} contacts": "{n} contacts",
  "Platforms and time slots": "Plateformes et créneaux",
  "Route: where are you?": "Parcours : où êtes-vous ?",
  "Place selected for the next contacts.": "Lieu choisi pour les prochains contacts.",
  "No places yet: sync to get your team's list.":
    "Pas encore de lieux : synchronisez pour recevoir la liste de l'équipe.",
  "End the session": "Terminer la session",
  Debrief: "Bilan",
  "Young people seen (estimate)": "Jeunes vus (estimation)",
  Atmosphere: "Ambiance",
  "Recruiters or pimps present": "Recruteurs ou proxénètes présents",
  "Clients present": "Clients présents",
  "Police present": "Police présente",
  "Prevention material handed out": "Matériel de prévention distribué",
  "Notable events (team only, no names)": "Faits marquants (équipe seulement, aucun nom)",
  "The notes seem to contain an identifier ({kinds}). Remove it, or save again to confirm.":
    "Les notes semblent contenir un identifiant ({kinds}). Retirez-le, ou enregistrez à nouveau pour confirmer.",
  "Session ended. Thank you.": "Session terminée. Merci.",
  Back: "Retour",
  "Street outreach": "Maraude de rue",
  "Digital outreach": "Maraude numérique",
  Calm: "Calme",
  Tense: "Tendue",
  "Very tense": "Très tendue",
  // Contacts
  "Start a session first: contacts belong to a session.":
    "Démarrez d'abord une session : chaque contact appartient à une session.",
  "Go to sessions": "Aller aux sessions",
  Contact: "Contact",
  "The edit window has closed: ask your coordinator to correct this contact.":
    "Le délai de correction est passé : demandez à votre chef de service de corriger ce contact.",
  "Correct a contact": "Corriger un contact",
  Place: "Lieu",
  "Choose…": "Choisir…",
  Platform: "Plateforme",
  "Age band": "Âge",
  Gender: "Genre",
  "First contact or follow-up": "Premier contact ou suivi",
  "First contact": "Premier contact",
  "Follow-up": "Suivi",
  "Conversation established": "Conversation engagée",
  Request: "Demande",
  Concerns: "Problématiques",
  Actions: "Actions",
  "More details": "Plus de détails",
  Level: "Niveau",
  "Already known to child welfare": "Déjà connu(e) de l'ASE",
  "Person code (optional)": "Code personne (facultatif)",
  "A code the team chose, never a name, phone number or handle.":
    "Un code choisi par l'équipe, jamais un nom, un numéro ou un pseudo.",
  "Oriented to": "Orienté(e) vers",
  "Find a partner service": "Chercher un partenaire",
  Attach: "Associer",
  "Remove {name}": "Retirer {name}",
  "Team only. Never write a name, phone number, e-mail, handle, link or address.":
    "Équipe seulement. N'écrivez jamais de nom, numéro, e-mail, pseudo, lien ou adresse.",
  "Team note (optional)": "Note d'équipe (facultative)",
  "Recorded at {time}": "Enregistré à {time}",
  Save: "Enregistrer",
  "Choose an age band.": "Choisissez une tranche d'âge.",
  "Choose a gender.": "Choisissez un genre.",
  "Choose a place.": "Choisissez un lieu.",
  "Choose a platform.": "Choisissez une plateforme.",
  "A person code is 2 to 16 capital letters, digits or dashes chosen by the team — never a name.":
    "Un code personne compte 2 à 16 majuscules, chiffres ou tirets choisis par l'équipe — jamais un nom.",
  "Remove the identifier before saving ({kinds}): no phone number, e-mail, handle or link about a young person.":
    "Retirez l'identifiant avant d'enregistrer ({kinds}) : aucun numéro, e-mail, pseudo ou lien concernant un jeune.",
  "Team key": "Clé de l'équipe",
  "Held: notes and person codes leave encrypted.": "Reçue : notes et codes personne partent chiffrés.",
  "Waiting for the team key: a teammate's phone shares it at its next sync. {n} records wait on this phone, encrypted.":
    "En attente de la clé de l'équipe : le téléphone d'un·e collègue la partage à sa prochaine synchro. {n} fiches attendent sur ce téléphone, chiffrées.",
  "Not known yet: sync once.": "Pas encore connue : synchronisez une fois.",
  "Contact saved.": "Contact enregistré.",
  "Correction saved.": "Correction enregistrée.",
  "This contact was changed on the server meanwhile.":
    "Ce contact a été modifié sur le serveur entre-temps.",
  "The server refused this record. Correct it and save again.":
    "Le serveur a refusé cette fiche. Corrigez-la et enregistrez à nouveau.",
  phone: "numéro de téléphone",
  email: "adresse e-mail",
  handle: "pseudo en ligne",
  link: "lien",
  "Under 13": "Moins de 13 ans",
  "13–14": "13–14 ans",
  "15–17": "15–17 ans",
  "18–21": "18–21 ans",
  Unknown: "Inconnu",
  Girl: "Fille",
  Boy: "Garçon",
  "Other / non-binary": "Autre / non binaire",
  Yes: "Oui",
  No: "Non",
  Exchange: "Échange",
  "Seen only": "Vu seulement",
  "Daily life": "Vie quotidienne",
  Safety: "Sécurité",
  Health: "Santé",
  Housing: "Logement",
  Legal: "Juridique",
  Exploitation: "Exploitation",
  "No request": "Pas de demande",
  // Field names in the server's error messages
  session: "Session",
  occurred_at: "Heure",
  hotspot: "Lieu",
  platform: "Plateforme",
  conversation_established: "Conversation engagée",
  request_category: "Demande",
  level: "Niveau",
  person_code: "Code personne",
  age_band: "Âge",
  gender: "Genre",
  is_first_contact: "Premier contact",
  known_to_child_welfare: "Connu(e) de l'ASE",
  concerns: "Problématiques",
  actions: "Actions",
  orientations: "Orientations",
  note: "Note",
  base_version: "Version",
  uuid: "Identifiant",
  territory: "Territoire",
  started_at: "Début",
  ended_at: "Fin",
  non_field_errors: "Fiche",
  custom_values: "Champs de l'organisation",
  // The organisation's own fields (custom-fields.js)
  "“{field}” was retired: it can no longer be filled in.": "« {field} » a été retiré : il ne peut plus être rempli.",
  "Expected yes or no.": "Attendu : oui ou non.",
  "Expected a whole number.": "Attendu : un nombre entier.",
  "Expected a number between {low} and {high}.": "Attendu : un nombre entre {low} et {high}.",
  "Expected a date.": "Attendu : une date.",
  "This date is not plausible.": "Cette date n'est pas plausible.",
  "Expected one choice.": "Attendu : un seul choix.",
  "Expected a list of choices.": "Attendu : une liste de choix.",
  "Unknown choice: “{code}”.": "Choix inconnu : « {code} ».",
  "The choice “{choice}” was retired.": "Le choix « {choice} » a été retiré.",
  "Unknown field.": "Champ inconnu.",
  "{field}: {message}": "{field} : {message}",
  // Recent
  "Recent contacts": "Contacts récents",
  "Contacts can be corrected for {n} hours.": "Les contacts peuvent être corrigés pendant {n} heures.",
  "No contact recorded recently.": "Aucun contact enregistré récemment.",
  "Waiting to sync": "En attente d'envoi",
  Synced: "Envoyé",
  "Refused: to fix": "Refusé : à corriger",
  "Changed elsewhere: to check": "Modifié ailleurs : à vérifier",
  Correct: "Corriger",
  // Directory
  Search: "Rechercher",
  Category: "Catégorie",
  Territory: "Territoire",
  "All categories": "Toutes les catégories",
  "All territories": "Tous les territoires",
  "Open at night": "Ouvert la nuit",
  "Accepts minors without a guardian": "Accueille des mineurs sans représentant légal",
  "Accepts minors": "Accueille des mineurs",
  "Partner services": "Services partenaires",
  "No service found.": "Aucun service trouvé.",
  Hours: "Horaires",
  "Attach to a contact": "Associer à un contact",
  "Attach to which contact?": "Associer à quel contact ?",
  "Orientation attached.": "Orientation associée.",
  "No recent contact to attach.": "Aucun contact récent à associer.",
  "no code": "sans code",
  "Child welfare (ASE)": "Aide sociale à l'enfance (ASE)",
  Shelter: "Hébergement",
  "Police / justice": "Police / justice",
  "Specialised association": "Association spécialisée",
  Hotline: "Ligne d'écoute",
  Other: "Autre",
  // Sync
  "Waiting to be sent": "En attente d'envoi",
  "Last successful sync": "Dernière synchro réussie",
  State: "État",
  Storage: "Stockage",
  "Protected: the browser will not clear it on its own.":
    "Protégé : le navigateur ne l'effacera pas de lui-même.",
  "Not protected: the browser may clear it if space runs low. Sync often.":
    "Non protégé : le navigateur peut l'effacer s'il manque de place. Synchronisez souvent.",
  "Syncing…": "Synchronisation…",
  "Last attempt failed ({reason}). Next try at {time}.":
    "Dernière tentative échouée ({reason}). Prochain essai : {time}.",
  "no network": "pas de réseau",
  "server unavailable": "serveur indisponible",
  refused: "refusée",
  "sign-in needed": "reconnexion nécessaire",
  "this phone's storage is full": "la mémoire de ce téléphone est pleine",
  "Too large for the server, even sent alone.": "Trop volumineux pour le serveur, même envoyé seul.",
  "Some fields are not accepted:": "Certains champs ne sont pas acceptés :",
  "The edit window is over: the server no longer accepts corrections.":
    "Le délai de correction est passé : le serveur n'accepte plus de modification.",
  "Not allowed: this is not a session or place of your team.":
    "Non autorisé : cette session ou ce lieu n'est pas celui de votre équipe.",
  "The server never received the original record.": "Le serveur n'a jamais reçu la fiche d'origine.",
  "Holds a phone number, e-mail, handle or link: remove it, then save again.":
    "Contient un numéro de téléphone, un e-mail, un pseudo ou un lien : retirez-le, puis enregistrez à nouveau.",
  "The server no longer recognises this phone. Sign in again: your records are kept and will be sent.":
    "Le serveur ne reconnaît plus ce téléphone. Reconnectez-vous : vos fiches sont conservées et seront envoyées.",
  "Up to date as far as this phone knows.": "À jour, pour ce que sait ce téléphone.",
  "Sync now": "Synchroniser",
  Problems: "Problèmes",
  "No problem.": "Aucun problème.",
  "Contact correction": "Correction de contact",
  "Session start": "Début de session",
  "Session change": "Modification de session",
  "Session end": "Fin de session",
  "Changed on the server since this phone last saw it.":
    "Modifié sur le serveur depuis la dernière synchro de ce téléphone.",
  "Refused by the server.": "Refusé par le serveur.",
  Fix: "Corriger",
  Retry: "Réessayer",
  "Keep my version": "Garder ma version",
  "Use the server's version": "Prendre la version du serveur",
  Backup: "Sauvegarde",
  "Save the records waiting to be sent in an encrypted file (for example before resetting the phone).":
    "Enregistrez les fiches en attente dans un fichier chiffré (par exemple avant de réinitialiser le téléphone).",
  "PIN protecting the file": "Code protégeant le fichier",
  "Export the outbox": "Exporter les fiches en attente",
  "Backup file to import": "Fichier de sauvegarde à importer",
  "Import a backup": "Importer une sauvegarde",
  "{n} records exported to an encrypted file.": "{n} fiches exportées dans un fichier chiffré.",
  "Choose a backup file first.": "Choisissez d'abord un fichier de sauvegarde.",
  "{n} records imported.": "{n} fiches importées.",
  "This file cannot be opened with this PIN.": "Ce fichier ne s'ouvre pas avec ce code.",
  Settings: "Réglages",
  "Lock after inactivity": "Verrouiller après inactivité",
  "{n} min": "{n} min",
  "Saved.": "Enregistré.",
  Theme: "Thème",
  "Dark at night, light by day": "Sombre la nuit, clair le jour",
  Dark: "Sombre",
  Light: "Clair",
  Language: "Langue",
  Device: "Appareil",
  Version: "Version",
  "Lock now": "Verrouiller",
  "Forget this device": "Oublier cet appareil",
  "Forget this device and erase its local data?":
    "Oublier cet appareil et effacer ses données locales ?",
  "{n} records have not reached the server and will be lost. Forget this device anyway?":
    "{n} fiches ne sont pas arrivées au serveur et seront perdues. Oublier cet appareil quand même ?",
  never: "jamais",
  "Something went wrong. Your records are safe.": "Un problème est survenu. Vos fiches sont en sécurité.",
  // Sign-in needed again (401), lost or full storage, the phone's earlier sign-ins
  "Sign-in needed": "Reconnexion nécessaire",
  "The server no longer recognises this phone: nothing is sent until you sign in again. Your records are kept.":
    "Le serveur ne reconnaît plus ce téléphone : rien n'est envoyé tant que vous ne vous reconnectez pas. Vos fiches sont conservées.",
  "No network: signing in needs a connection.": "Pas de réseau : la connexion en a besoin.",
  "This phone holds records of {name}: only {name} can sign in again here.":
    "Ce téléphone contient des fiches de {name} : seul·e {name} peut se reconnecter ici.",
  "This phone's storage was erased": "La mémoire de ce téléphone a été effacée",
  "The browser erased the app's data on this phone (storage cleared, or space taken back).":
    "Le navigateur a effacé les données de l'application sur ce téléphone (stockage vidé ou place reprise).",
  "{n} records had not reached the server: they are lost. Tell your coordinator.":
    "{n} fiches n'étaient pas arrivées au serveur : elles sont perdues. Prévenez votre chef de service.",
  "Nothing was waiting to be sent: everything had reached the server.":
    "Rien n'attendait d'être envoyé : tout était arrivé au serveur.",
  "Last successful sync: {time}": "Dernière synchro réussie : {time}",
  "Not saved: this phone's storage is full. Free some space, then try again.":
    "Non enregistré : la mémoire de ce téléphone est pleine. Libérez de la place, puis réessayez.",
  "Not saved: this phone's storage is full. The contact is still on screen: free some space, then save again.":
    "Non enregistré : la mémoire de ce téléphone est pleine. Le contact reste à l'écran : libérez de la place, puis enregistrez à nouveau.",
  Close: "Fermer",
  "Your previous sign-in on this phone still had {n} records not on the server at its last sync ({time}). This phone no longer holds them: they are lost.":
    "Votre connexion précédente sur ce téléphone avait encore {n} fiches non arrivées au serveur à sa dernière synchro ({time}). Ce téléphone ne les a plus : elles sont perdues.",
  "Your sign-in “{label}” still had {n} records not on the server at its last sync ({time}). If it was this phone, they are lost; otherwise, sync that phone.":
    "Votre connexion « {label} » avait encore {n} fiches non arrivées au serveur à sa dernière synchro ({time}). Si c'était ce téléphone, elles sont perdues ; sinon, synchronisez ce téléphone.",
  // Head counts and the digital funnel
  "Head counts": "Comptages",
  "One tap per young person seen or briefly met. No code, no name.": "Une touche par jeune vu ou croisé. Ni code, ni nom.",
  "Head counts by age band and gender": "Comptages par tranche d'âge et genre",
  "Add one: {age}, {gender}; counted so far:": "Compter un de plus : {age}, {gender} ; déjà comptés :",
  "Counted: {age}, {gender}.": "Compté : {age}, {gender}.",
  "{n} young people counted on this phone": "{n} jeunes comptés sur ce téléphone",
  "Undo the last tap": "Annuler le dernier comptage",
  "Undo the last tap ({age}, {gender})": "Annuler le dernier comptage ({age}, {gender})",
  "Last tap undone: {age}, {gender}.": "Dernier comptage annulé : {age}, {gender}.",
  "An exchange followed: turn the last tap into a contact": "Un échange a suivi : transformer le dernier comptage en contact",
  "Digital funnel": "Entonnoir numérique",
  "Time slots": "Créneaux",
  "{spotted} spotted → {messages} messages → {conversations} conversations → {requests} requests → {orientations} orientations": "{spotted} repérés → {messages} messages → {conversations} conversations → {requests} demandes → {orientations} orientations",
  "Enter counts": "Saisir les chiffres",
  "No time slot yet: add one for the platform you are on.": "Pas encore de créneau : ajoutez-en un pour la plateforme où vous êtes.",
  "New time slot": "Nouveau créneau",
  "{label}: one less": "{label} : un de moins",
  "{label}: one more": "{label} : un de plus",
  "More requests ({requests}) than conversations ({conversations}).": "Plus de demandes ({requests}) que de conversations ({conversations}).",
  "More orientations ({orientations}) than conversations ({conversations}).": "Plus d'orientations ({orientations}) que de conversations ({conversations}).",
  "Counts saved.": "Chiffres enregistrés.",
  "Counts only: never a handle, a link or a screenshot.": "Des chiffres seulement : jamais de pseudo, de lien ni de capture d'écran.",
  "From": "De",
  "To": "À",
  "Profiles or ads spotted": "Profils ou annonces repérés",
  "Messages sent": "Messages envoyés",
  "Conversations established": "Conversations engagées",
  "Orientations to a partner service": "Orientations vers un partenaire",
  "Requests by category": "Demandes par catégorie",
  "Save the counts": "Enregistrer les chiffres",
};

const DICTIONARIES = { fr: FR };
const SUPPORTED = ["fr", "en"];
let current = (globalThis.document?.documentElement.lang || "fr").slice(0, 2); // Node tests: no document

/**
 * The language to show: the worker's own choice on this phone, else their account's (set by an
 * administrator, received at sign-in), else the phone's (navigator.languages, first one
 * supported), else the page's. French is the default.
 */
export function preferred(
  choice = null,
  account = null,
  languages = globalThis.navigator?.languages || [globalThis.navigator?.language],
) {
  for (const code of [choice, account]) {
    if (code && SUPPORTED.includes(String(code).slice(0, 2))) return String(code).slice(0, 2);
  }
  for (const tag of languages || []) {
    const code = String(tag || "").slice(0, 2).toLowerCase();
    if (SUPPORTED.includes(code)) return code;
  }
  const page = (document.documentElement.lang || "fr").slice(0, 2);
  return SUPPORTED.includes(page) ? page : "fr";
}

export function lang() {
  return current;
}

export function setLang(code) {
  current = (code || "fr").slice(0, 2);
  document.documentElement.lang = current;
}

/** The text in the current language, with {name} placeholders filled from params. */
export function t(text, params = null) {
  const dict = DICTIONARIES[current];
  let out = (dict && dict[text]) || text;
  if (params) {
    out = out.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
  }
  return out;
}

export const _dictionaryForTests = DICTIONARIES;
