; Inno Setup script for the Windows installer, around the PyInstaller folder dist\otokui.
;
;   python -m release.icons build\icons
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 release\windows\otokui.iss
;   -> dist\Otokui-0.1.0-Setup.exe
;
; Per user, without administrator rights (PrivilegesRequired=lowest): installs into
; %LOCALAPPDATA%\Programs\Otokui, a Start-menu entry (and, if ticked, a desktop one), and an
; uninstaller listed in Settings > Apps. An administrator may still choose "all users".
; The uninstaller removes the program only: the customer book lives in the user's profile
; folder (%APPDATA%\Otokui) and is never touched by installing, upgrading or uninstalling.
; Silent use (CI, IT departments): Otokui-VERSION-Setup.exe /VERYSILENT /CURRENTUSER

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define Dist AddBackslash(SourcePath) + "..\..\dist"
#define Icons AddBackslash(SourcePath) + "..\..\build\icons"

[Setup]
; Never change AppId: Windows knows the installed program (and its upgrades) by it.
AppId={{6C0F5B0E-7D1A-4E53-9B8E-0A1C2F7E4D31}
AppName=Otokui
AppVerName=Otokui {#AppVersion}
AppVersion={#AppVersion}
VersionInfoVersion={#AppVersion}
AppPublisher=Otokui
DefaultDirName={autopf}\Otokui
DefaultGroupName=Otokui
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Dist}
OutputBaseFilename=Otokui-{#AppVersion}-Setup
SetupIconFile={#Icons}\otokui.ico
UninstallDisplayIcon={app}\otokui.exe
UninstallDisplayName=Otokui
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Otokui may be running during an upgrade: ask to close it rather than fail mid-copy.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "ja"; MessagesFile: "compiler:Languages\Japanese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Dist}\otokui\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries: leftovers of the previous version must not mix in.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\Otokui"; Filename: "{app}\otokui.exe"; Comment: "お得意 - LINE公式アカウントの顧客台帳"
Name: "{autodesktop}\Otokui"; Filename: "{app}\otokui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\otokui.exe"; Description: "{cm:LaunchProgram,Otokui}"; Flags: nowait postinstall skipifsilent
